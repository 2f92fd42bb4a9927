-- Confirmation of world-changing voice commands moved to pending_commands (shared with the
-- assistant's proposals); a voice note only records its transcription now.
UPDATE voice_notes SET status = 'transcribed' WHERE status IN ('awaiting_confirmation', 'confirmed', 'cancelled');
ALTER TABLE voice_notes DROP CONSTRAINT voice_notes_status_check;
ALTER TABLE voice_notes ADD CONSTRAINT voice_notes_status_check CHECK (status IN ('received', 'failed', 'transcribed'));
