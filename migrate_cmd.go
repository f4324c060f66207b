package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// migrateCmd moves an embedded helpdesk into PostgreSQL (CONTRACT §9):
// every row of its database into the empty database of --to, ids kept, and
// with --files-url every attachment file into the bucket under its own
// name; without it the files stay in the data folder, which the new
// database is then served with. The source is left as it was: until the
// new set-up serves, the old one can be started again.
//
// It owns the data folder meanwhile (lockDataDir): a server writing the
// source during the copy would write rows the copy misses. The copy is
// all or nothing (db.DB.CopyToPostgres): a failure leaves the target
// empty, and migrate may run again; files already moved into the bucket
// are written over, and the start-up sweep removes those no row names.
func migrateCmd(args []string, stdout, stderr io.Writer) error {
	var data, to, filesURL string
	f := newFlags("migrate", stderr)
	f.dataFlag(&data)
	f.string(&to, "to", "", "", "the empty PostgreSQL database to copy into: postgres://USER:PASSWORD@HOST[:PORT]/DATABASE")
	filesURLFlag(f, &filesURL)
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return errUsage{fmt.Sprintf("migrate takes no arguments, got %q", f.Arg(0))}
	}
	if to == "" {
		return errUsage{"usage: helpdesk migrate --to postgres://USER:PASSWORD@HOST[:PORT]/DATABASE [--files-url s3://…] [--data DIR]"}
	}
	if err := checkDatabaseURL("--to", to); err != nil {
		return err
	}
	bucketCfg, err := parseFilesURL(filesURL)
	if err != nil {
		return err
	}
	// db.Open would make an empty helpdesk of a mistyped folder, and
	// migrate would copy that.
	if err := checkHoldsDatabase(data, "nothing to migrate"); err != nil {
		return err
	}
	lock, err := lockDataDir(data)
	if err != nil {
		return err
	}
	defer lock.release()
	if err := checkWritable(data, "attachments"); err != nil {
		return err
	}
	store, err := db.Open(data)
	if err != nil {
		return diskFull(data, err)
	}
	defer store.Close()
	local, err := filestore.Open(data)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var bucket *filestore.Bucket
	if bucketCfg != nil {
		octx, cancel := context.WithTimeout(ctx, 30*time.Second)
		bucket, err = filestore.OpenBucket(octx, *bucketCfg, nil)
		cancel()
		if err != nil {
			return err
		}
	}

	start := time.Now()
	var moved, missing int
	r, err := store.CopyToPostgres(ctx, to, func(ctx context.Context) error {
		moved, missing = 0, 0
		return store.StoredFiles(ctx, func(sf db.StoredFile) error {
			if bucket == nil {
				moved++ // counted: they stay where they are
				return nil
			}
			ok, err := moveFile(ctx, local, bucket, sf, stderr)
			if ok {
				moved++
			} else if err == nil {
				missing++
			}
			return err
		})
	})
	if err != nil {
		if db.ErrorCode(err) == db.ECONFLICT {
			return fmt.Errorf("%s is refused: %w", redactURL(to), err)
		}
		return err
	}

	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, t := range r.Tables {
		fmt.Fprintf(w, "  %s\t%d rows\n", t.Name, t.Rows)
	}
	w.Flush()
	target := redactURL(to)
	if bucket != nil {
		fmt.Fprintf(stdout, "copied %d tables (%d rows) into %s and %d attachment files into %s in %s\n",
			len(r.Tables), r.Rows, target, moved, bucket, time.Since(start).Round(time.Millisecond))
		if missing > 0 {
			fmt.Fprintf(stdout, "%d attachment files named by the database were not in %s (they were missing before; their downloads answer 404 as they did)\n", missing, local.Dir())
		}
		fmt.Fprintln(stdout, "serve it with this --database-url and --files-url (as many processes as you like; --data holds nothing of it now)")
		return nil
	}
	fmt.Fprintf(stdout, "copied %d tables (%d rows) into %s in %s; the %d attachment files stay in %s\n",
		len(r.Tables), r.Rows, target, time.Since(start).Round(time.Millisecond), moved, local.Dir())
	fmt.Fprintf(stdout, "serve it with this --database-url and --data %s (one process, which owns the files in that folder; move them into a bucket with --files-url to run more)\n", data)
	return nil
}

// moveFile streams one stored file from the data folder into the bucket
// under its storage name: true once it is there, false without an error
// when the folder does not hold it.
func moveFile(ctx context.Context, local *filestore.Store, bucket *filestore.Bucket, sf db.StoredFile, stderr io.Writer) (bool, error) {
	rc, err := local.Open(sf.Name)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "helpdesk: attachment file %s, named by the database, is not in %s: its row is copied without it\n", sf.Name, local.Dir())
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("unable to read attachment file %s: %w", sf.Name, describeErrno(err))
	}
	defer rc.Close()
	size := int64(-1)
	if st, ok := rc.(interface{ Stat() (os.FileInfo, error) }); ok {
		if info, err := st.Stat(); err == nil {
			size = info.Size()
		}
	}
	if err := bucket.Put(ctx, sf.Name, rc, size, sf.MimeType); err != nil {
		return false, err
	}
	return true, nil
}
