"""TEMPORARY copy of the coordinator's assert_accessible until it lands in conftest on main."""

from pathlib import Path


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page, label: str = "") -> None:
    """Run axe-core (the npm package, installed by bin/test) on the page as it
    is now and fail with every violation: rule, impact, help and the elements.

    The script goes in through the DevTools protocol (page.evaluate), which our
    Content-Security-Policy does not govern; a <script> tag would be blocked.
    """
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `npm ci` (bin/test does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text() + "\n;undefined")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"
    )
    width = page.viewport_size["width"] if page.viewport_size else "?"
    lines = [
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    ]
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {label or page.url} at {width} px:\n"
        + "\n".join(lines)
    )
