// The firm's settings (tiegraph/firm.py): one node, read by every process before it ingests
// or answers; no row before `tiegraph init`.
MATCH (f:FirmSettings {key: 'firm'})
RETURN f.domains AS domains, coalesce(f.excluded_sources, []) AS excluded_sources,
       coalesce(f.excluded_domains, []) AS excluded_domains,
       coalesce(f.excluded_hashes, []) AS excluded_hashes,
       coalesce(f.store_subjects, true) AS store_subjects,
       coalesce(f.opted_out, []) AS opted_out
