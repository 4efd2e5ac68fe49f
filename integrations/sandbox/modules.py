"""The platform modules the sandbox serves, by their first path segment."""

from . import amazon, ebay, shopify

ALL = {module.NAME: module for module in (shopify, amazon, ebay)}
