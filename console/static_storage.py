"""The static files' storage: WhiteNoise's compressed manifest, remembering URLs.

A page asks for a dozen static URLs, and each costs the manifest's name
cleaning, hashing and URL joining. The manifest is read once when a process
starts and cannot change while it runs (a deploy restarts the processes), so
each process remembers the URL of each name it was asked for: the same in
every process, as it is derived from the deploy's own files.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            # A name missing from the manifest raises here, and is not remembered.
            url = self._urls[name] = super().url(name)
        return url
