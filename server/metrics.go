package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Gauge is a value the server exports at /metrics that it does not know how
// to measure itself, such as the size of the store behind the schema.
type Gauge struct {
	// Name is the metric name, e.g. "whosedata_store_size_bytes"; it must be
	// a valid Prometheus metric name and unique.
	Name string
	// Help describes the value for the metrics listing.
	Help string
	// Value returns the current value. It is called on every scrape, from
	// the scraping request's goroutine, so it must be cheap and safe for
	// concurrent use.
	Value func() float64
}

// Labels of operations in metrics are bounded: names that are not short
// GraphQL-like identifiers, and names beyond the first maxOperationLabels
// distinct ones, are counted as "other".
const (
	maxOperationLabels = 200
	maxOperationName   = 64
	otherLabel         = "other"
	anonymousLabel     = "anonymous"
	unmatchedRoute     = "unmatched"
)

// metrics holds the Prometheus series of one Server, in a registry of its own
// (nothing is registered globally, so two Servers in one process do not
// collide).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec   // route, code
	duration *prometheus.HistogramVec // operation
	errors   *prometheus.CounterVec   // code

	mu         sync.Mutex
	operations map[string]bool // operation labels in use
}

// knownCodes are the values of the code label of the errors counter; any
// other extensions.code counts as "other".
var knownCodes = map[string]bool{
	CodeNotFound: true, CodeBadInput: true, CodeUnauthenticated: true,
	CodeLimitExceeded: true, CodeInternal: true,
}

// newMetrics builds the registry with the server's own series, the Go
// runtime and process collectors, and gauges. It returns an error naming a
// gauge that cannot be registered.
func newMetrics(gauges []Gauge) (*metrics, error) {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "whosedata_http_requests_total",
			Help: "HTTP requests answered, by route (the pattern that matched, or \"unmatched\") and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "whosedata_graphql_request_duration_seconds",
			Help:    "Time to execute GraphQL requests, by operation name (\"anonymous\" when unnamed, \"other\" beyond a bounded set of names).",
			Buckets: prometheus.DefBuckets,
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "whosedata_graphql_errors_total",
			Help: "Errors in GraphQL responses, by extensions.code.",
		}, []string{"code"}),
		operations: map[string]bool{},
	}
	m.reg.MustRegister(m.requests, m.duration, m.errors,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for i, g := range gauges {
		if g.Value == nil {
			return nil, fmt.Errorf("Config.Gauges[%d] %q has no Value", i, g.Name)
		}
		if !validMetricName(g.Name) {
			return nil, fmt.Errorf("Config.Gauges[%d] %q is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", i, g.Name)
		}
		help := g.Help
		if help == "" {
			help = g.Name
		}
		c := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: g.Name, Help: help}, g.Value)
		if err := m.reg.Register(c); err != nil {
			if _, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
				err = errors.New("a metric of that name is already registered")
			}
			return nil, fmt.Errorf("Config.Gauges[%d] %q: %w", i, g.Name, err)
		}
	}
	return m, nil
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// request counts one answered HTTP request. pattern is the ServeMux pattern
// that matched ("" for none).
func (m *metrics) request(pattern string, status int) {
	route := unmatchedRoute
	if pattern != "" {
		// "GET /healthz" -> "/healthz": the method is not part of the route.
		_, path, ok := strings.Cut(pattern, " ")
		if !ok {
			path = pattern
		}
		route = path
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
}

// graphqlError counts one error of a GraphQL response.
func (m *metrics) graphqlError(code string) {
	if !knownCodes[code] {
		code = otherLabel
	}
	m.errors.WithLabelValues(code).Inc()
}

// observe records the execution time of one GraphQL operation.
func (m *metrics) observe(operation string, d time.Duration) {
	m.duration.WithLabelValues(m.operationLabel(operation)).Observe(d.Seconds())
}

// operationLabel bounds the label values of operations: "" is "anonymous";
// a name that is not 1 to 64 of [A-Za-z0-9_], or a new name once
// maxOperationLabels names are in use, is "other".
func (m *metrics) operationLabel(name string) string {
	if name == "" {
		return anonymousLabel
	}
	if !validOperationLabel(name) {
		return otherLabel
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.operations[name] {
		if len(m.operations) >= maxOperationLabels {
			return otherLabel
		}
		m.operations[name] = true
	}
	return name
}

func validOperationLabel(name string) bool {
	if name == "" || len(name) > maxOperationName {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isNameStart(c) && !isDigit(c) {
			return false
		}
	}
	return true
}

// validMetricName reports whether name is a metric name every Prometheus
// version accepts: [a-zA-Z_:][a-zA-Z0-9_:]*. (The client library would also
// accept other UTF-8 names, which older scrapers cannot read.)
func validMetricName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isNameStart(c) && c != ':' && (i == 0 || !isDigit(c)) {
			return false
		}
	}
	return true
}
