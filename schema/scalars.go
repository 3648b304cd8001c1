package schema

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// Date is the Date scalar: a partial date "2023", "2023-04" or "2023-04-19".
//
// As input it is kept as given and parsed by the resolver through arg, so a
// malformed date is a BAD_INPUT error naming its argument rather than an
// uncoded failure of the whole request inside graphql-go.
type Date struct {
	raw string
	err error // a non-string input
}

// ImplementsGraphQLType maps Date to the Date scalar.
func (Date) ImplementsGraphQLType(name string) bool { return name == "Date" }

// UnmarshalGraphQL keeps the input for arg; it never fails.
func (d *Date) UnmarshalGraphQL(input any) error {
	switch v := input.(type) {
	case string:
		d.raw = v
	default:
		d.err = fmt.Errorf("%w: a Date is a string such as \"2023-04-19\", not %T", graph.ErrInvalid, input)
	}
	return nil
}

// MarshalJSON writes the date as it was given.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.raw) }

// arg parses an optional Date argument named name; absent is the zero date.
// Errors wrap graph.ErrInvalid and name the argument.
func (d *Date) arg(name string) (graph.Date, error) {
	if d == nil {
		return graph.Date{}, nil
	}
	if d.err != nil {
		return graph.Date{}, fmt.Errorf("%s: %w", name, d.err)
	}
	v, err := graph.ParseDate(d.raw)
	if err != nil {
		return graph.Date{}, fmt.Errorf("%s: %w", name, err)
	}
	if v.IsZero() {
		return graph.Date{}, fmt.Errorf("%w: %s: a date is YYYY, YYYY-MM or YYYY-MM-DD, not empty", graph.ErrInvalid, name)
	}
	return v, nil
}

// dateOut returns the Date to show for d, nil for no date.
func dateOut(d graph.Date) *Date {
	if d.IsZero() {
		return nil
	}
	return &Date{raw: d.String()}
}

// DateTime is the DateTime scalar, an instant in RFC 3339 (UTC). As input
// (recordedAsOf, since) it also takes a plain date, YYYY-MM-DD, meaning
// midnight UTC; like Date, a malformed value is kept for arg to report as a
// BAD_INPUT error naming its argument.
type DateTime struct {
	t   time.Time
	err error
}

// ImplementsGraphQLType maps DateTime to the DateTime scalar.
func (DateTime) ImplementsGraphQLType(name string) bool { return name == "DateTime" }

// UnmarshalGraphQL parses an RFC 3339 string or a plain date; it never
// fails (see arg).
func (d *DateTime) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		d.err = fmt.Errorf("a DateTime is an RFC 3339 string such as \"2024-01-31T12:00:00Z\", not %T", input)
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			if len(s) > 64 {
				s = s[:64] + "…"
			}
			d.err = fmt.Errorf("%q is not an RFC 3339 instant (such as \"2024-01-31T12:00:00Z\") or a date (2024-01-31)", s)
			return nil
		}
	}
	d.t = t
	return nil
}

// MarshalJSON writes the instant in RFC 3339 with the fraction it has, in UTC.
func (d DateTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.t.UTC().Format(time.RFC3339Nano))
}

func dateTimeOut(t time.Time) *DateTime {
	if t.IsZero() {
		return nil
	}
	return &DateTime{t: t}
}
