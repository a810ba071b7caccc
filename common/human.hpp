#pragma once
// Human-readable durations and sizes, worded exactly as Docker's go-units
// prints them ("Up 3 seconds", "About an hour", "4.26MB").
#include <cstdint>
#include <string>

namespace mydocker::human {

// go-units HumanDuration: "Less than a second", "1 second", "5 minutes", "About an hour", ...
std::string duration(int64_t ns);
// go-units HumanSizeWithPrecision(size, 3): decimal units, "%.3g" + unit: "187MB", "4.26MB", "0B".
// precision 4 is go-units HumanSize (prune reports); 3 the images/ps columns.
std::string size(double bytes, int precision = 3);

}  // namespace mydocker::human
