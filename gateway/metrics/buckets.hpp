// Histogram bucket boundaries (seconds), one set per kind of wait, chosen around what each wait
// normally takes and what an operator would call slow.
#pragma once

#include <prometheus/histogram.h>

namespace relay::metrics::buckets {

// HTTP requests: a probe takes microseconds, an intake commit milliseconds, a big upload seconds.
inline const prometheus::Histogram::BucketBoundaries http{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
// Metriport calls: tens of milliseconds to the request timeout (uploads up to minutes).
inline const prometheus::Histogram::BucketBoundaries metriport{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                               2.5,  5,     10,   30,  60,   120};
// Waiting for a database connection: microseconds when idle, seconds when saturated.
inline const prometheus::Histogram::BucketBoundaries database_acquire{
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
// Waiting for a send slot of the pacer: none below the limit, up to a window (or a 429's
// Retry-After) above it.
inline const prometheus::Histogram::BucketBoundaries pacer_wait{
    0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};
// From intake to Sent: seconds with webhooks, minutes with polling, hours with a backlog.
inline const prometheus::Histogram::BucketBoundaries intake_to_sent{
    1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400};

}  // namespace relay::metrics::buckets
