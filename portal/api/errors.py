"""The API's answers other than 200: the error, and the JSON body every one of them has."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, jsonify

from portal.access import NOT_FOUND_OR_DENIED
from portal.serialise import api_json


class ApiError(Exception):
    """An answer other than 200: status, message, and the parameter at fault if any."""

    def __init__(self, status: int, message: str, parameter: str | None = None, headers=None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND_OR_DENIED)


@dataclass(frozen=True)
class ErrorBody:
    """Every non-200 answer: the HTTP status, a message fit to show, the parameter at fault."""

    status: int
    message: str
    parameter: str | None


def error_response(error: ApiError) -> Response:
    response = jsonify(api_json(ErrorBody(error.status, error.message, error.parameter)))
    response.status_code = error.status
    for key, value in error.headers.items():
        response.headers[key] = value
    return response
