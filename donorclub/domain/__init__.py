"""Pure domain code: rules and value types, standard library only."""
