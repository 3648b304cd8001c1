module github.com/whosedata/whosedata/interchange/testdata/tools/spdx3

go 1.23.5

require github.com/spdx/tools-golang v0.6.0-rc4

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/piprate/json-gold v0.7.0 // indirect
	github.com/pquerna/cachecontrol v0.0.0-20180517163645-1555304b9b35 // indirect
)
