"""kg serve: the web app, the SPARQL endpoint and its query workers."""
