"""Pure graph algorithms: no I/O, no RDF, documented and tested like networkx."""
