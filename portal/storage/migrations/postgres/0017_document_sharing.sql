-- A document the clerk shows the call's guests (an interpreter): 1 while shared. Guests see
-- no document unless the clerk shares it (issue 20).
ALTER TABLE case_documents ADD COLUMN shared_with_guests INTEGER NOT NULL DEFAULT 0;
