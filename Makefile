# whosedata — the two commands of the README, and a few more.
#   make serve   build the playground and the explorer (npm) and start the server with the bundled data
#   make test    go vet, the explorer's unit tests (node --test) and every Go test, with the race detector
GO ?= go
ADDR ?= 127.0.0.1:8080

.PHONY: serve test playground explorer explorer-test build vet bench fuzz clean

# playground builds both web bundles the server embeds: GraphiQL and the explorer.
playground: explorer
	bash server/playground/build.sh

explorer:
	bash server/explorer/build.sh

# explorer-test runs the explorer's view-logic unit tests with Node's test runner.
explorer-test:
	bash server/explorer/build.sh test

# build makes the command and, beside it, the benchmark (a separate binary, so
# that whosedata carries neither the benchmark nor its peers' drivers).
build: playground
	$(GO) build -o bin/whosedata ./cmd/whosedata
	$(GO) build -o bin/whosedata-bench ./cmd/whosedata-bench

serve: build
	./bin/whosedata serve --addr $(ADDR)

vet:
	$(GO) vet ./...

# The e2e package builds and drives the command, a browser and PostgreSQL:
# under the race detector on two cores it takes minutes, more than go
# test's default 10-minute limit per package when the machine is busy.
test: playground explorer-test vet
	$(GO) test -race -timeout 30m ./...

# bench runs the full benchmark (200,000 entities, 1,000,000 statements);
# BENCH_FLAGS adds flags, e.g. BENCH_FLAGS='--json results.json'.
bench: build
	./bin/whosedata-bench $(BENCH_FLAGS)

fuzz:
	bash scripts/fuzz.sh

clean:
	rm -rf bin server/playground/node_modules server/explorer/node_modules
	find server/playground/dist server/explorer/dist -type f ! -name README.md -delete
