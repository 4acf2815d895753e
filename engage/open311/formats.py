"""GeoReport v2's two formats. XML is built with ElementTree (never by joining
strings); JSON is the same data by the specification's "Spark convention": a list
where the XML repeats an element, null where the XML element is empty."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from flask import current_app

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element each list's items are written as.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    # mySociety's servicerequestupdates extension: the list, and the answer to a POST.
    "service_requests_updates": "request_update",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root_tag: str, value) -> bytes:
    root = ET.Element(root_tag)
    _fill(root, value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def render(fmt: str, root_tag: str, value, status: int = 200, headers=None):
    body = to_json(value) if fmt == "json" else to_xml(root_tag, value)
    return current_app.response_class(
        body, status=status, headers=headers, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["xml"])
    )
