// Store the whole of the firm's settings (the caller read, changed and validated them).
MERGE (f:FirmSettings {key: 'firm'})
ON CREATE SET f.created_at = datetime()
SET f.domains = $domains, f.excluded_sources = $excluded_sources,
    f.excluded_domains = $excluded_domains, f.excluded_hashes = $excluded_hashes,
    f.store_subjects = $store_subjects, f.opted_out = $opted_out, f.updated_at = datetime()
