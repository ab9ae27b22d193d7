"""The OpenAPI 3.1 document, generated from the route table's own objects so it cannot drift
from what the views do."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.api.errors import ErrorBody
from portal.api.responses import csv_columns
from portal.api.routes import Route
from portal.api.schema import SchemaBuilder


@dataclass
class OpenApiDocument:
    title: str
    version: str
    description: str
    routes: list[Route]
    builder: SchemaBuilder = field(default_factory=SchemaBuilder)

    def build(self, server_url: str) -> dict:
        paths: dict = {}
        for route in self.routes:
            paths.setdefault(route.path, {})["get"] = self.operation(route)
        error = self.builder.ref(ErrorBody)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "servers": [{"url": server_url}],
            "security": [{"apiKey": []}],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(self.builder.components.items())),
                "securitySchemes": {
                    "apiKey": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API key from your profile: `Authorization: Bearer hsk_…`",
                    }
                },
                "responses": {
                    "BadRequest": self.error_response(
                        "A parameter is missing or invalid; `parameter` names it.", error
                    ),
                    "Unauthorised": self.error_response(
                        "No API key, or a revoked or unknown one.", error
                    ),
                    "NotFound": self.error_response(
                        "Not found or access denied (the same answer for both).", error
                    ),
                    "TooManyRequests": {
                        **self.error_response("Too many requests for this key.", error),
                        "headers": {
                            "Retry-After": {
                                "description": "Seconds to wait before trying again.",
                                "schema": {"type": "integer"},
                            }
                        },
                    },
                },
            },
        }

    @staticmethod
    def error_response(description: str, schema: dict) -> dict:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    def operation(self, route: Route) -> dict:
        item = self.builder.ref(route.response)
        if route.paginated:
            body = {
                "type": "object",
                "properties": {
                    "count": {"type": "integer", "description": "Results over all pages."},
                    "next": {"type": ["string", "null"], "description": "The next page's URL."},
                    "previous": {
                        "type": ["string", "null"],
                        "description": "The previous page's URL.",
                    },
                    "results": {"type": "array", "items": item},
                },
                "required": ["count", "next", "previous", "results"],
                "additionalProperties": False,
            }
            content = {
                "application/json": {"schema": body},
                "text/csv": {"schema": {"type": "string"}},
            }
            ok = "OK. With format=csv, a table with the columns " + ", ".join(
                csv_columns(route.response)
            )
        else:
            content, ok = {"application/json": {"schema": item}}, "OK"
        responses = {
            "200": {"description": ok, "content": content},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorised"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
        }
        if route.may_not_find:
            responses["404"] = {"$ref": "#/components/responses/NotFound"}
        description = route.description
        if route.one_of_required:
            description += (
                "\n\nA national query: give at least one of "
                + ", ".join(f"`{n}`" for n in route.one_of_required)
                + "."
            )
        return {
            "operationId": route.name,
            "tags": [route.tag],
            "summary": route.summary,
            "description": description.strip(),
            "parameters": [
                {
                    "name": p.name,
                    "in": p.location,
                    "required": p.required or p.location == "path",
                    "description": p.description,
                    "schema": p.json_schema(),
                }
                for p in route.all_params
            ],
            "responses": responses,
        }
