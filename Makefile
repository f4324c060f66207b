# make test: everything CI runs. It installs what the tests need (Node
# packages from the lock file, Debian's chromium and postgresql when
# missing and root).
GO      ?= go
TEST_FLAGS ?= -race -count=1 -timeout 15m
FUZZTIME ?= 30s
N ?= 100000

.PHONY: test vet check-generated generate chromium postgresql wrk bench fuzz seed-db build

build:
	$(GO) build -o helpdesk .

# The store, API and mail suites run a second time on PostgreSQL
# (HELPDESK_TEST_DATABASE=postgres, a throwaway cluster: internal/pgtest),
# beside the main run: they mostly wait on the server, so the two share
# the cores well. Their output follows the main run's.
PG_TEST_PKGS ?= ./db/... ./mail ./handlers/...
test: vet check-generated chromium postgresql
	@log=$$(mktemp); \
	HELPDESK_TEST_DATABASE=postgres $(GO) test -count=1 -timeout 15m $(PG_TEST_PKGS) >$$log 2>&1 & pg=$$!; \
	$(GO) test $(TEST_FLAGS) ./...; main=$$?; \
	wait $$pg; pgrun=$$?; \
	echo "== the same suites on PostgreSQL:"; cat $$log; rm -f $$log; \
	test $$main = 0 && test $$pgrun = 0
	# Tests too slow under the race detector (go:build !race) run here.
	$(GO) test -count=1 -run 'TooLarge' ./mail

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# Regenerate templ code and CSS, then fail if the committed copies differ.
check-generated: generate
	@git diff --exit-code --stat -- '*_templ.go' static/ || { echo "generated files were stale: run make generate and commit"; exit 1; }

generate:
	@if [ -d views ]; then $(GO) tool templ generate; fi
	@if [ -f package.json ]; then npm ci --no-audit --no-fund --loglevel=error && npm run --silent build:css; fi

# Browser tests drive Debian's chromium; install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need chromium: run sudo apt-get install chromium"; exit 1; fi; }

# The PostgreSQL tests (internal/pgtest) start a throwaway cluster with
# Debian's postgresql (initdb under /usr/lib/postgresql/VERSION/bin, not
# on PATH); install it when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL tests need postgresql: run sudo apt-get install postgresql"; exit 1; fi; }

# Benchmarks. Scale (root package) is issue 10's two tables: wrk, an
# external load generator, against the real binary; creates for 20 s
# (checkpoints included), then reads and search on the same database, on
# an empty database (the baseline) and on a million generated tickets
# (kept in $$HELPDESK_BENCH_DIR when set), each figure beside its baseline,
# the bare Fiber app answering fixed JSON for throughput. Postgres (root)
# runs the same workloads on PostgreSQL (pgtest's cluster, made durable)
# with one and two processes, beside SQLite's. Then upload memory (root)
# and pages and the 1M-ticket queue (handlers); e2e has none and would
# start Chromium.
BENCH_PKGS ?= ./handlers
bench: wrk postgresql
	$(GO) test -run '^$$' -bench Scale -benchtime 1x -count 1 -timeout 60m .
	$(GO) test -run '^$$' -bench Postgres -benchtime 1x -count 1 -timeout 60m .
	$(GO) test -run '^$$' -bench UploadRSS -benchtime 2s -count 1 -timeout 30m .
	$(GO) test -run '^$$' -bench . -benchtime 2s -count 1 -timeout 30m $(BENCH_PKGS)

# The load generator of make bench is Debian's wrk; install it when missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "make bench needs wrk: run sudo apt-get install wrk"; exit 1; fi; }

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzCreateTicketJSON -fuzztime $(FUZZTIME) -fuzzminimizetime 200x ./handlers
	$(GO) test -run '^$$' -fuzz FuzzMultipart -fuzztime $(FUZZTIME) -fuzzminimizetime 200x ./handlers
	$(GO) test -run '^$$' -fuzz FuzzListQuery -fuzztime $(FUZZTIME) -fuzzminimizetime 200x ./handlers

# A database of N generated tickets in ./data-seed, for trying the desk at scale.
seed-db:
	$(GO) run ./internal/seeddb -n $(N) -data ./data-seed
