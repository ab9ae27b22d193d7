"""The query layer: every figure any surface shows is read here, with its period and source.

Functions take plain arguments (and the user, where access matters) and return dataclasses;
they know nothing of Flask requests, HTML or JSON-RPC.
"""
