"""Building the graph: data files (YAML, Turtle) to a cached, validated store."""
