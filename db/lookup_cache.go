package db

import (
	"slices"
	"sync"
)

// Lookups that every request makes and that change only when an admin
// changes them: which API key a secret is, and the categories. Each cache
// is a map tagged with a generation. The writer watches the rows its
// connection changes (writer_watch.go): a batch that changed users,
// api_keys, categories or category_aliases bumps the matching generation
// once it has committed and before any of its writers hears back, so
// nobody who saw the change acknowledged is answered from before it. A
// lookup records the generation before it queries and keeps its answer
// only if no change committed meanwhile. On SQLite every change goes
// through this process's writer: the data folder's lock keeps a second
// server out, and the commands that run beside a server only add accounts
// and keys, which no cached answer covers (only keys that were found are
// cached; a new key is looked up like an unknown one). On PostgreSQL other
// processes' changes arrive by NOTIFY (engine_postgres.go listen).

// maxCachedLookups bounds each cache; past it the cache starts again empty.
const maxCachedLookups = 1024

// lookupCache is a generation-tagged map; the zero value is ready.
type lookupCache[K comparable, V any] struct {
	mu  sync.Mutex
	gen uint64
	m   map[K]V
}

// get returns the cached value for k, or the generation to store under.
func (c *lookupCache[K, V]) get(k K) (v V, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok = c.m[k]
	return v, ok, c.gen
}

// put keeps v for k if nothing changed since gen was read.
func (c *lookupCache[K, V]) put(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedLookups {
		c.m = map[K]V{}
	}
	c.m[k] = v
}

// invalidate forgets every answer; call it after the change commits.
func (c *lookupCache[K, V]) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m = nil
}

// categoryCaches are the category lookups: by name or alias, the list,
// and by id (read-only: shared by every caller).
type categoryCaches struct {
	byName lookupCache[string, categoryAnswer]
	all    lookupCache[struct{}, []Category]
	byID   lookupCache[struct{}, map[int64]Category]
}

// categoryAnswer is FindCategory's answer, "no such category" included.
type categoryAnswer struct {
	c   Category
	err error
}

func (cc *categoryCaches) invalidate() {
	cc.byName.invalidate()
	cc.all.invalidate()
	cc.byID.invalidate()
}

// cloneCategories copies a cached list so that no caller can change it.
func cloneCategories(cats []Category) []Category {
	out := slices.Clone(cats)
	for i := range out {
		out[i].Aliases = slices.Clone(out[i].Aliases)
	}
	return out
}
