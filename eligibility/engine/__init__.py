"""Rule engine (layer 3): compiles criteria into durable_rules rulesets and evaluates facts."""
