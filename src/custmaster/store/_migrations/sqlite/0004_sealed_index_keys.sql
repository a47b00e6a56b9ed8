-- Encryption at rest (custmaster.store._sealing): the ciphertext of an index key whose
-- key column holds its blind index (resident IDs and other identity document numbers).

ALTER TABLE cm_index ADD COLUMN sealed TEXT;
