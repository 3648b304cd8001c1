package graph

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a partial calendar date: a year, a month or a day ("2023",
// "2023-04", "2023-04-19"). The zero Date means "no date". A date that begins
// something (a statement's date, validFrom) compares as the start of its
// period; one that ends something (validTo) as the end of its period.
type Date struct {
	Year  int16
	Month int8 // 0 when only the year is known
	Day   int8 // 0 when only the year or month is known
}

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD". The empty string gives
// the zero Date. Anything else, or a day that does not exist, returns an error
// wrapping ErrInvalid.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	bad := func() (Date, error) {
		return Date{}, fmt.Errorf("%w: date %q is not YYYY, YYYY-MM or YYYY-MM-DD", ErrInvalid, clip(s))
	}
	num := func(part string) (int, bool) {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(part)
		return n, err == nil
	}
	var d Date
	switch len(s) {
	case 4, 7, 10:
	default:
		return bad()
	}
	y, ok := num(s[:4])
	if !ok || y < 1 {
		return bad()
	}
	d.Year = int16(y)
	if len(s) >= 7 {
		if s[4] != '-' {
			return bad()
		}
		m, ok := num(s[5:7])
		if !ok || m < 1 || m > 12 {
			return bad()
		}
		d.Month = int8(m)
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return bad()
		}
		day, ok := num(s[8:10])
		if !ok || day < 1 || day > daysIn(y, time.Month(d.Month)) {
			return bad()
		}
		d.Day = int8(day)
	}
	return d, nil
}

// MustParseDate is ParseDate for constants in tests and examples; it panics on
// a malformed date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats d as it was given: "2023", "2023-04" or "2023-04-19"; "" for
// the zero Date.
func (d Date) String() string {
	var buf [len("2023-04-19")]byte
	b, _ := d.AppendText(buf[:0])
	return string(b)
}

// AppendText implements encoding.TextAppender: it appends String's text to b.
func (d Date) AppendText(b []byte) ([]byte, error) {
	switch {
	case d.Year == 0:
		return b, nil
	case d.Month == 0:
		return fmt.Appendf(b, "%04d", d.Year), nil
	case d.Day == 0:
		return fmt.Appendf(b, "%04d-%02d", d.Year, d.Month), nil
	}
	return fmt.Appendf(b, "%04d-%02d-%02d", d.Year, d.Month, d.Day), nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText implements encoding.TextUnmarshaler with ParseDate.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// epochDay is days since 1970-01-01 of a calendar day.
func epochDay(y, m, day int) int32 {
	return int32(time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Start is the first day of d's period in days since 1970-01-01. It is
// math.MinInt32 for the zero Date (an open start).
func (d Date) Start() int32 {
	if d.IsZero() {
		return minDay
	}
	m, day := int(d.Month), int(d.Day)
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return epochDay(int(d.Year), m, day)
}

// End is the last day of d's period in days since 1970-01-01. It is
// math.MaxInt32 for the zero Date (an open end).
func (d Date) End() int32 {
	switch {
	case d.IsZero():
		return maxDay
	case d.Month == 0:
		return epochDay(int(d.Year)+1, 1, 1) - 1
	case d.Day == 0:
		return epochDay(int(d.Year), int(d.Month)+1, 1) - 1
	}
	return epochDay(int(d.Year), int(d.Month), int(d.Day))
}

const (
	minDay int32 = -1 << 31
	maxDay int32 = 1<<31 - 1
)

// Compare orders dates by their start, then the more precise first; it returns
// -1, 0 or +1.
func (d Date) Compare(o Date) int {
	a, b := d.Start(), o.Start()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	ae, be := d.End(), o.End()
	switch {
	case ae < be:
		return -1
	case ae > be:
		return 1
	}
	return 0
}
