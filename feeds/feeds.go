// Package feeds serves the store's change log as Atom 1.0 feeds (RFC 4287,
// SPEC §8): /feeds/changes.atom, the latest changes to the whole graph, and
// /feeds/entity/{key}.atom, the latest changes touching one entity. Feed
// readers are how journalists follow a case: a new ruling, a retraction or a
// renamed company shows up as an entry.
//
// The server mounts Handler without knowing what it serves.
package feeds

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// Latest is how many entries a feed holds.
const Latest = 100

// Handler serves the feeds of store under /feeds/. Entry links point at the
// explorer's pages under the request's own host. Errors answer 404 for an
// unknown entity and 500 (text logged, not shown) for anything else.
func Handler(store *graph.Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	h := &handler{store: store, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/changes.atom", h.changes)
	mux.HandleFunc("GET /feeds/entity/{key...}", h.entity)
	return mux
}

type handler struct {
	store *graph.Store
	log   *slog.Logger
}

func (h *handler) changes(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, "", "whosedata: latest changes", "/feeds/changes.atom")
}

func (h *handler) entity(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutSuffix(r.PathValue("key"), ".atom")
	if !ok || key == "" {
		http.Error(w, "not found: feeds are /feeds/changes.atom and /feeds/entity/{key}.atom", http.StatusNotFound)
		return
	}
	e, err := h.store.Entity(r.Context(), key)
	if err != nil {
		if errors.Is(err, graph.ErrNotFound) || errors.Is(err, graph.ErrAmbiguous) || errors.Is(err, graph.ErrInvalid) {
			http.Error(w, "not found: "+err.Error(), http.StatusNotFound)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.serve(w, r, e.Key, "whosedata: changes to "+e.Name, "/feeds/entity/"+url.PathEscape(e.Key)+".atom")
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request, key, title, self string) {
	page, err := h.store.Changes(r.Context(), graph.ChangeQuery{Entity: key, Latest: Latest})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := baseURL(r)
	f := Feed(page.Changes, title, base, base+self)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		h.log.Warn("write feed", "err", err)
	}
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		http.Error(w, "the request ended", http.StatusServiceUnavailable)
		return
	}
	h.log.Error("feed", "path", r.URL.Path, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// baseURL is the scheme and host the request came to, for absolute links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// The Atom document, RFC 4287.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// Feed builds the Atom feed of changes (newest first) with the given title,
// the site's base URL (for entry links to the explorer) and the feed's own
// URL (its id and rel="self" link).
func Feed(changes []*graph.Change, title, base, self string) any {
	f := atomFeed{ID: self, Title: title, Author: atomPerson{Name: "whosedata"},
		Links: []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"}, {Href: base + "/", Rel: "alternate", Type: "text/html"}}}
	updated := time.Unix(0, 0).UTC()
	for _, c := range changes {
		if c.At.After(updated) {
			updated = c.At
		}
		f.Entries = append(f.Entries, entry(c, base))
	}
	f.Updated = updated.UTC().Format(time.RFC3339Nano)
	return f
}

func entry(c *graph.Change, base string) atomEntry {
	title, summary := describe(c)
	e := atomEntry{ID: fmt.Sprintf("tag:whosedata,2026:change/%d", c.Seq), Title: title, Updated: c.At.UTC().Format(time.RFC3339Nano),
		Categories: []atomCategory{{Term: c.Kind.String()}}, Summary: atomText{Type: "text", Body: summary}}
	if c.Entity != nil {
		e.Links = append(e.Links, atomLink{Href: base + "/e/" + url.PathEscape(c.Entity.Key), Rel: "alternate", Type: "text/html"})
	} else if c.Relation != nil {
		e.Links = append(e.Links, atomLink{Href: base + "/e/" + url.PathEscape(c.Relation.From.Key), Rel: "alternate", Type: "text/html"})
	}
	return e
}

// describe is an entry's title and summary, in the words of the record.
func describe(c *graph.Change) (title, summary string) {
	name := func(e *graph.Entity) string {
		if e == nil {
			return "(unknown)"
		}
		return e.Name
	}
	switch c.Kind {
	case graph.EntityCreated:
		return "New: " + name(c.Entity), fmt.Sprintf("%s (%s) was added.", name(c.Entity), kindOf(c.Entity))
	case graph.EntityUpdated:
		var was []string
		for _, a := range c.Before {
			was = append(was, fmt.Sprintf("%s was %q", a.Key, a.Value))
		}
		s := name(c.Entity) + " was updated."
		if len(was) > 0 {
			s += " Before: " + strings.Join(was, "; ") + "."
		}
		return "Updated: " + name(c.Entity), s
	case graph.AliasAdded:
		return fmt.Sprintf("%s is also called %q", name(c.Entity), c.Alias), fmt.Sprintf("New alias of %s: %s.", name(c.Entity), c.Alias)
	case graph.StatementAdded, graph.StatementRetracted:
		verb := "says"
		if c.Kind == graph.StatementRetracted {
			verb = "retracted"
		}
		claim := "(relation)"
		if r := c.Relation; r != nil {
			claim = fmt.Sprintf("%s %s %s", r.From.Name, r.Type, r.To.Name)
		}
		who := "A source"
		status := ""
		if st := c.Statement; st != nil {
			if st.ClaimedBy != nil {
				who = st.ClaimedBy.Name
			}
			status = st.Status.String()
			if st.Retraction != nil {
				status = st.Retraction.PreviousStatus.String()
			}
		}
		s := fmt.Sprintf("%s %s: %s (%s).", who, verb, claim, status)
		if c.Reason != "" {
			s += " Reason: " + c.Reason
		}
		if c.Kind == graph.StatementRetracted {
			return "Retracted: " + claim, s
		}
		return claim, s
	case graph.EventAdded, graph.EventRetracted:
		what := "(event)"
		if ev := c.Event; ev != nil {
			what = fmt.Sprintf("%s, %s: %s", ev.Date, ev.Status, ev.Summary)
		}
		if c.Kind == graph.EventRetracted {
			return "Event retracted: " + name(c.Entity), what + " Reason: " + c.Reason
		}
		return name(c.Entity) + ": " + what, what
	case graph.Merged:
		return fmt.Sprintf("%s merged into %s", name(c.Other), name(c.Entity)), fmt.Sprintf("%s is now recorded as %s.", name(c.Other), name(c.Entity))
	}
	return c.Kind.String(), c.Kind.String()
}

func kindOf(e *graph.Entity) string {
	if e == nil {
		return ""
	}
	return e.Kind.String()
}
