package main

import (
	"github.com/kinconecta/helpdesk/filestore"
)

// filesURLFlag declares --files-url (HELPDESK_FILES_URL), shared by serve
// and backup.
func filesURLFlag(f *flags, v *string) {
	f.string(v, "files-url", "HELPDESK_FILES_URL", "",
		"S3-compatible bucket for attachments: s3://BUCKET[/PREFIX]?endpoint=http(s)://host[:port]&region=R, credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or ACCESS:SECRET@ in the URL); empty keeps them in the data folder")
}

// parseFilesURL reads --files-url: nil for none, a usage error when the
// URL is malformed.
func parseFilesURL(raw string) (*filestore.BucketConfig, error) {
	if raw == "" {
		return nil, nil
	}
	c, err := filestore.ParseBucketURL(raw)
	if err != nil {
		return nil, errUsage{"--files-url: " + err.Error()}
	}
	return &c, nil
}
