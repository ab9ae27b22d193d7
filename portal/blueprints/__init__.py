"""HTTP layers: parse input, call the query layer, render."""
