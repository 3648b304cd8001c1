// Command spdx3 reads SPDX 3.0.1 JSON-LD documents with the SPDX project's
// own Go model (github.com/spdx/tools-golang/spdx/v3/v3_0, generated from
// the SPDX 3 SHACL model) and validates each against the model's rules. It
// prints one JSON object per file: the file, the element types it holds and
// their counts, the names of the packages, and the validation error ("" when
// the document is valid). It exits 1 when a file cannot be read at all.
//
// It is a module of its own so that the SPDX tools are a dependency of the
// interchange tests only, never of whosedata (interchange/spdx_test.go runs
// it with go run).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	spdx "github.com/spdx/tools-golang/spdx/v3/v3_0"
)

type report struct {
	File     string         `json:"file"`
	Counts   map[string]int `json:"counts"`
	Packages []string       `json:"packages"`
	Invalid  string         `json:"invalid"`
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var d spdx.Document
		err = d.FromJSON(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: the SPDX 3 reader refuses it: %v\n", path, err)
			os.Exit(1)
		}
		r := report{File: path, Counts: map[string]int{"SpdxDocument": 1}}
		for _, e := range d.Elements {
			name := fmt.Sprintf("%T", e)
			name = name[strings.LastIndex(name, ".")+1:]
			r.Counts[name]++
			switch p := e.(type) {
			case *spdx.AIPackage:
				r.Packages = append(r.Packages, p.Name)
			case *spdx.DatasetPackage:
				r.Packages = append(r.Packages, p.Name)
			case *spdx.Package:
				r.Packages = append(r.Packages, p.Name)
			}
		}
		sort.Strings(r.Packages)
		if err := d.Validate(false); err != nil {
			r.Invalid = err.Error()
		}
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
