# whosedata — the two commands of the README, and a few more.
#   make serve   build the playground (npm) and start the server with the bundled data
#   make test    go vet and every test, with the race detector
GO ?= go
ADDR ?= 127.0.0.1:8080

.PHONY: serve test playground build vet bench fuzz clean

playground:
	bash server/playground/build.sh

build: playground
	$(GO) build -o bin/whosedata ./cmd/whosedata

serve: build
	./bin/whosedata serve --addr $(ADDR)

vet:
	$(GO) vet ./...

test: playground vet
	$(GO) test -race ./...

bench: build
	./bin/whosedata bench

fuzz:
	bash scripts/fuzz.sh

clean:
	rm -rf bin server/playground/node_modules
	find server/playground/dist -type f ! -name README.md -delete
