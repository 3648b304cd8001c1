package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestComplianceCommand drives "whosedata compliance" through the built
// command: the verdict, the blocking asset with its licence and path, the
// disputes, the exit codes a CI pipeline gates on, and the JSON form.
func TestComplianceCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "load", "--data", data, filepath.Join("testdata", "compliance.yaml"))

	r := whosedata(t, "", "compliance", "--data", data, "Chat Model")
	if r.code != 3 {
		t.Fatalf("compliance of chat-model: exit %d, want 3 (RESTRICTED)\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"Chat Model (chat-model), MODEL: RESTRICTED for COMMERCIAL use",
		"1 of 4 assets forbid COMMERCIAL use:",
		"NC Photos (nc-photos), DATASET: NON_COMMERCIAL under CC BY-NC 4.0 (license/cc-by-nc-4-0)",
		"via chat-model -FINE_TUNED_FROM-> base-model [ASSERTED], base-model -TRAINED_ON-> nc-photos [ALLEGED]",
		"Attribution required: yes (or not known). Share-alike: no.",
		"Photographers v. Example Lab (photos-v-lab) [FILED]",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("compliance output lacks %q:\n%s", want, r.stdout)
		}
	}

	// The same for academic use, as JSON: allowed, exit 0.
	r = whosedata(t, "", "compliance", "--data", data, "--use", "ACADEMIC", "--json", "chat-model")
	if r.code != 0 {
		t.Fatalf("academic: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var got struct {
		Entity  struct{ Key, Kind string }
		Use     string
		Verdict string
		Assets  []struct {
			Key, Class string
			Blocks     bool
			Licenses   []struct{ Key string }
			Path       []struct{ Type, From, To, Status string }
		}
		Disputes []struct{ Key, Status string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json printed %q: %v", r.stdout, err)
	}
	if got.Entity.Key != "chat-model" || got.Entity.Kind != "MODEL" || got.Use != "ACADEMIC" || got.Verdict != "ALLOWED" ||
		len(got.Assets) != 4 || got.Assets[0].Key != "chat-model" || len(got.Assets[0].Path) != 0 ||
		len(got.Disputes) != 1 || got.Disputes[0].Key != "photos-v-lab" || got.Disputes[0].Status != "FILED" {
		t.Errorf("--json: %+v", got)
	}
	for _, a := range got.Assets {
		if a.Key == "nc-photos" && (a.Class != "NON_COMMERCIAL" || a.Blocks || len(a.Licenses) != 1 || len(a.Path) != 2 || a.Path[1].Status != "ALLEGED") {
			t.Errorf("nc-photos in --json: %+v", a)
		}
	}

	// Before the allegation nothing upstream restricts it; a dataset with no
	// licence is UNKNOWN.
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"chat-model", "--as-of", "2023"}, 0},
		{[]string{"chat-model", "--min-status", "ASSERTED"}, 0},
		{[]string{"mystery-data"}, 4},
		{[]string{"nc-photos", "--use", "NON_COMMERCIAL"}, 0},
	} {
		args := append([]string{"compliance", "--data", data}, tc.args...)
		if r := whosedata(t, "", args...); r.code != tc.code {
			t.Errorf("whosedata %s: exit %d, want %d\n%s%s", strings.Join(args, " "), r.code, tc.code, r.stdout, r.stderr)
		}
	}
	r = whosedata(t, "", "compliance", "--data", data, "mystery-data")
	if !strings.Contains(r.stdout, "UNKNOWN for COMMERCIAL use") || !strings.Contains(r.stdout, "Mystery Data (mystery-data), DATASET: UNLICENSED") {
		t.Errorf("mystery-data:\n%s", r.stdout)
	}

	// Mistakes: exit 2 for the command line, 1 for a reference to nothing.
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"chat-model", "--use", "PERSONAL"}, 2, "--use: invalid input: unknown use \"PERSONAL\""},
		{[]string{"chat-model", "--as-of", "yesterday"}, 2, "--as-of:"},
		{[]string{"chat-model", "--min-status", "SURE"}, 2, "--min-status:"},
		{[]string{}, 2, "compliance takes one entity"},
		{[]string{"nobody-at-all"}, 1, "compliance: not found: entity: no entity is called \"nobody-at-all\""},
	} {
		args := append([]string{"compliance", "--data", data}, tc.args...)
		r := whosedata(t, "", args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("whosedata %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), r.code, r.stderr, tc.code, tc.msg)
		}
	}
}
