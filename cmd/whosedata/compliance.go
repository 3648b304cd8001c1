package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/whosedata/whosedata/graph"
)

// Exit codes of compliance, so that a CI pipeline can gate on the verdict.
const (
	exitRestricted = 3
	exitUnknown    = 4
)

func complianceCommand() *command {
	c := newCommand("compliance", "REF", "may REF be used for --use, given everything upstream of it? (exit 0 ALLOWED, 3 RESTRICTED, 4 UNKNOWN)")
	use := c.fs.String("use", "COMMERCIAL", "the `use` asked about: COMMERCIAL, NON_COMMERCIAL or ACADEMIC")
	asOf := c.fs.String("as-of", "", "answer as of `date` (YYYY, YYYY-MM or YYYY-MM-DD): statements dated later and relations not valid then do not count")
	minStatus := c.fs.String("min-status", "", "weakest effective `status` a relation may have to count (default DISPUTED)")
	asJSON := c.fs.Bool("json", false, "print the whole answer as JSON")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if len(args) != 1 {
			return usagef("compliance takes one entity: a key, name, alias or id")
		}
		var opts graph.ComplianceOptions
		if opts.Use, err = graph.ParseUse(*use); err != nil {
			return usagef("--use: %v", err)
		}
		if *asOf != "" {
			if opts.AsOf, err = graph.ParseDate(*asOf); err != nil {
				return usagef("--as-of: %v", err)
			}
		}
		if *minStatus != "" {
			if opts.MinStatus, err = graph.ParseClaimStatus(*minStatus); err != nil {
				return usagef("--min-status: %v", err)
			}
		}
		st, err := openStore(e, c.g, existingStore, c.g.logger(e, levelQuiet))
		if err != nil {
			return err
		}
		defer closeStore(st, &err)
		res, err := st.Compliance(ctx, args[0], opts)
		if err != nil {
			return fmt.Errorf("compliance: %w", err)
		}
		status := make(map[string]string, len(res.Disputes))
		for _, d := range res.Disputes {
			ds, err := st.DisputeState(ctx, d.ID.String(), opts.AsOf)
			if err != nil {
				return fmt.Errorf("compliance: status of %s: %w", d.Key, err)
			}
			if ds.Status != 0 {
				status[d.Key] = ds.Status.String()
			}
		}
		if *asJSON {
			err = writeComplianceJSON(e.stdout, res, opts, status)
		} else {
			err = writeCompliance(e.stdout, res, opts, status)
		}
		if err != nil {
			return err
		}
		switch res.Verdict {
		case graph.VerdictRestricted:
			return &exitError{code: exitRestricted}
		case graph.VerdictUnknown:
			return &exitError{code: exitUnknown}
		}
		return nil
	}
	return c
}

// entityLabel is "Name (key)".
func entityLabel(e *graph.Entity) string {
	if e.Name == "" || e.Name == e.Key {
		return e.Key
	}
	return e.Name + " (" + e.Key + ")"
}

// pathText shows a lineage path as "a -TYPE-> b [STATUS], …".
func pathText(path []*graph.Relation) string {
	parts := make([]string, len(path))
	for i, r := range path {
		parts[i] = fmt.Sprintf("%s -%s-> %s [%s]", r.From.Key, r.Type, r.To.Key, r.Status)
	}
	return strings.Join(parts, ", ")
}

// writeCompliance prints the verdict, the assets that decide it with their
// licences and paths, and the disputes.
func writeCompliance(w io.Writer, c *graph.Compliance, opts graph.ComplianceOptions, disputeStatus map[string]string) error {
	start := c.Assets[0].Asset
	when := ""
	if !opts.AsOf.IsZero() {
		when = " as of " + opts.AsOf.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s: %s for %s use%s\n", entityLabel(start), start.Kind, c.Verdict, c.Use, when)
	var blocking int
	for _, a := range c.Assets {
		if a.Blocks {
			blocking++
		}
	}
	if blocking > 0 {
		why := "forbid " + c.Use.String() + " use"
		if c.Verdict == graph.VerdictUnknown {
			why = "have no licence, or one whose terms are not known"
		}
		fmt.Fprintf(&b, "\n%d of %d assets %s:\n", blocking, len(c.Assets), why)
		for _, a := range c.Assets {
			if !a.Blocks {
				continue
			}
			fmt.Fprintf(&b, "  %s, %s: %s", entityLabel(a.Asset), a.Asset.Kind, a.Class)
			if len(a.Licenses) > 0 {
				names := make([]string, len(a.Licenses))
				for i, l := range a.Licenses {
					names[i] = entityLabel(l)
				}
				fmt.Fprintf(&b, " under %s", strings.Join(names, "; "))
			}
			b.WriteString("\n")
			if len(a.Path) == 0 {
				b.WriteString("    (the entity itself)\n")
			} else {
				fmt.Fprintf(&b, "    via %s\n", pathText(a.Path))
			}
		}
	} else {
		fmt.Fprintf(&b, "\nEvery one of the %d assets allows it.\n", len(c.Assets))
	}
	yesNo := map[bool]string{true: "yes (or not known)", false: "no"}
	fmt.Fprintf(&b, "\nAttribution required: %s. Share-alike: %s.\n", yesNo[c.Attribution], yesNo[c.ShareAlike])
	if len(c.Disputes) > 0 {
		fmt.Fprintf(&b, "\nDisputes touching these assets:\n")
		for _, d := range c.Disputes {
			status := disputeStatus[d.Key]
			if status != "" {
				status = " [" + status + "]"
			}
			fmt.Fprintf(&b, "  %s%s\n", entityLabel(d), status)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// The JSON form of a compliance answer, for scripts.
type (
	complianceJSON struct {
		Entity      entityJSON    `json:"entity"`
		Use         string        `json:"use"`
		AsOf        string        `json:"asOf,omitempty"`
		MinStatus   string        `json:"minStatus"`
		Verdict     string        `json:"verdict"`
		Attribution bool          `json:"attribution"`
		ShareAlike  bool          `json:"shareAlike"`
		Assets      []assetJSON   `json:"assets"`
		Disputes    []disputeJSON `json:"disputes"`
	}
	entityJSON struct {
		Key  string `json:"key"`
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	assetJSON struct {
		entityJSON
		Class    string         `json:"class"`
		Blocks   bool           `json:"blocks"`
		Licenses []entityJSON   `json:"licenses"`
		Path     []relationJSON `json:"path"`
	}
	relationJSON struct {
		Type   string `json:"type"`
		From   string `json:"from"`
		To     string `json:"to"`
		Status string `json:"status"`
	}
	disputeJSON struct {
		entityJSON
		Status string `json:"status,omitempty"`
	}
)

func toEntityJSON(e *graph.Entity) entityJSON {
	return entityJSON{Key: e.Key, Name: e.Name, Kind: e.Kind.String()}
}

func writeComplianceJSON(w io.Writer, c *graph.Compliance, opts graph.ComplianceOptions, disputeStatus map[string]string) error {
	minStatus := opts.MinStatus
	if minStatus == 0 {
		minStatus = graph.Disputed
	}
	out := complianceJSON{
		Entity: toEntityJSON(c.Assets[0].Asset), Use: c.Use.String(), AsOf: opts.AsOf.String(), MinStatus: minStatus.String(),
		Verdict: c.Verdict.String(), Attribution: c.Attribution, ShareAlike: c.ShareAlike,
		Assets: make([]assetJSON, len(c.Assets)), Disputes: make([]disputeJSON, len(c.Disputes)),
	}
	for i, a := range c.Assets {
		aj := assetJSON{entityJSON: toEntityJSON(a.Asset), Class: a.Class.String(), Blocks: a.Blocks,
			Licenses: make([]entityJSON, len(a.Licenses)), Path: make([]relationJSON, len(a.Path))}
		for j, l := range a.Licenses {
			aj.Licenses[j] = toEntityJSON(l)
		}
		for j, r := range a.Path {
			aj.Path[j] = relationJSON{Type: r.Type.String(), From: r.From.Key, To: r.To.Key, Status: r.Status.String()}
		}
		out.Assets[i] = aj
	}
	for i, d := range c.Disputes {
		out.Disputes[i] = disputeJSON{entityJSON: toEntityJSON(d), Status: disputeStatus[d.Key]}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
