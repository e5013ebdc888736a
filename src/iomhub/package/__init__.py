"""The IOM data package: reading, validating and writing the exchange format."""

from iomhub.package.load import Package, read_package
from iomhub.package.problems import PackageError, Problem

__all__ = ["Package", "PackageError", "Problem", "read_package"]
