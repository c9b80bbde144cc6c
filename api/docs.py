"""The API's reference page at /api/v1/docs, rendered on the server from the
OpenAPI document.

Swagger UI failed axe-core (contrast, nested buttons, no landmarks) and needs
its own script; this page is plain HTML in the console's style, readable without
JavaScript. Tools that want the machine-readable form use openapi.json.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items', {}))}"
    if "anyOf" in schema:
        return " or ".join(_schema_name(option) for option in schema["anyOf"])
    return schema.get("type", "object")


def _fields(schema: dict, components: dict) -> list[dict]:
    """The properties of a (referenced) object schema, for a table of fields."""
    if "$ref" in schema:
        schema = components.get(_schema_name(schema), {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _schema_name(prop),
            "required": name in required,
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def operations_by_tag(openapi: dict) -> list[dict]:
    components = openapi.get("components", {}).get("schemas", {})
    tags: dict[str, list[dict]] = {}
    for path, item in openapi["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            tags.setdefault((op.get("tags") or ["API"])[0], []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "type": _schema_name(p.get("schema", {})),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _fields(body["schema"], components) if body else [],
                    "body_name": _schema_name(body["schema"]) if body else "",
                    "responses": [
                        {
                            "status": status,
                            "description": response.get("description", ""),
                            "schema": _schema_name(
                                response.get("content", {})
                                .get("application/json", {})
                                .get("schema", {})
                            )
                            if response.get("content")
                            else "",
                        }
                        for status, response in op.get("responses", {}).items()
                    ],
                }
            )
    return [{"name": name, "operations": ops} for name, ops in tags.items()]


class ReferencePage(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        openapi = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "info": openapi["info"],
                "tags": operations_by_tag(openapi),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
