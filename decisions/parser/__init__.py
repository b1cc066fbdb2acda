"""The minutes parser: a pure function of text to data, with no database inside.

protocol = parse_protocol(text, source="protokoll.txt")
"""

from .model import (
    ParsedMember,
    ParsedParagraf,
    ParsedProtocol,
    ParsedStatement,
    ParseError,
    protocol_as_json,
    protocol_from_data,
    protocol_to_data,
)
from .protocol import parse_protocol

__all__ = [
    "ParseError",
    "ParsedMember",
    "ParsedParagraf",
    "ParsedProtocol",
    "ParsedStatement",
    "parse_protocol",
    "protocol_as_json",
    "protocol_from_data",
    "protocol_to_data",
]
