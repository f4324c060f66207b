package filestore

import (
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
)

// Put stores r, size bytes (-1 when unknown), under the storage name a
// row already holds, with the content type Receive would have given it:
// for `helpdesk migrate`, which moves files kept in a data folder into the
// bucket without renaming them. Streamed in parts of partSize, as
// Receive; an object already there under name is replaced, so a copy cut
// short may simply run again.
func (b *Bucket) Put(ctx context.Context, name string, r io.Reader, size int64, mimeType string) error {
	if !validName(name) {
		return fmt.Errorf("filestore: %q is not a storage name", name)
	}
	_, err := b.client.PutObject(ctx, b.cfg.Bucket, b.key(name), r, size,
		minio.PutObjectOptions{ContentType: mimeType, PartSize: partSize})
	if err != nil {
		return fmt.Errorf("filestore: unable to store %s in %s: %w", name, b.cfg, err)
	}
	return nil
}
