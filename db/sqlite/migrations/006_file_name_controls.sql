-- File names stored before bidi controls were stripped on upload
-- (db.CleanFileName): remove the ones that reorder or hide text, so an
-- old "invoice<U+202E>fdp.exe" no longer reads "invoiceexe.pdf" in the desk.
-- The same characters as the upload's cleaning removes from this family:
-- ALM, ZWSP, LRM, RLM, LRE, RLE, PDF, LRO, RLO, WJ, LRI, RLI, FSI, PDI, BOM.
UPDATE attachments SET file_name = coalesce(nullif(trim(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(file_name, char(0x061C), ''), char(0x200B), ''), char(0x200E), ''), char(0x200F), ''), char(0x202A), ''), char(0x202B), ''), char(0x202C), ''), char(0x202D), ''), char(0x202E), ''), char(0x2060), ''), char(0x2066), ''), char(0x2067), ''), char(0x2068), ''), char(0x2069), ''), char(0xFEFF), '')
), ''), 'file')
WHERE file_name GLOB '*[' || char(0x061C) || char(0x200B) || char(0x200E) || char(0x200F) || char(0x202A) || char(0x202B) || char(0x202C) || char(0x202D) || char(0x202E) || char(0x2060) || char(0x2066) || char(0x2067) || char(0x2068) || char(0x2069) || char(0xFEFF) || ']*';
