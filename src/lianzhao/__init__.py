"""lianzhao (链招): industrial-chain investment promotion for a district government."""

__version__ = "0.1.0"
