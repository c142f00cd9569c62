"""Neo4j access (one repository layer over one driver) and NetworkX routines."""
