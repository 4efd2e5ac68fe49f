"""The API's JSON parser: DRF's, with a body nested too deeply for Python's parser answered as a
400 like any other malformed JSON (json.loads raises RecursionError past about 1,000 levels)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply") from error
