#!/usr/bin/env python3
"""Compares two folders of surefire XML reports of PgJDBC's suite: PgJDBC alone (vendor) and
through Lagwise. Prints each side's totals and every test that passes on vendor but fails through
Lagwise (or is not run there) and is not in the accepted list. Exit status: 0 when there is none,
1 when there are, 2 when a report folder is missing or empty.

Test id: <testcase classname>#<testcase name>, e.g.
  org.postgresql.test.jdbc2.ArrayTest[1]#testEmptyArray()[1]
An accepted-failures line is a test-id pattern (fnmatch: * and ?; [ and ] are literal), then
whitespace, then the reason; # starts a comment line. OUT_FILE, if given, receives the
differences as tab-separated lines: test id, first line of the failure[, accepted: reason].
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET


def load(folder):
    results = {}
    files = glob.glob(os.path.join(folder, "TEST-*.xml"))
    for f in files:
        root = ET.parse(f).getroot()
        for tc in root.iter("testcase"):
            tid = "%s#%s" % (tc.get("classname"), tc.get("name"))
            status, message = "passed", ""
            for child in tc:
                if child.tag in ("failure", "error"):
                    status = "failed"
                    text = child.get("message") or (child.text or "").strip() or child.get("type", "")
                    message = "%s: %s" % (child.get("type", child.tag), first_line(text))
                    break
                if child.tag == "skipped":
                    status = "skipped"
                    message = first_line(child.get("message") or "")
            results[tid] = (status, message)
    return files, results


def first_line(text):
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def totals(results):
    t = {"run": len(results), "passed": 0, "failed": 0, "skipped": 0}
    for status, _ in results.values():
        t[status] += 1
    return t


def pattern(glob_text):
    # fnmatch would read [1] as a character class; test ids are full of them.
    return re.compile("^" + ".*".join(
        ".".join(re.escape(p) for p in part.split("?")) for part in glob_text.split("*")) + "$")


def load_accepted(path):
    accepted = []
    if not os.path.exists(path):
        return accepted
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                sys.exit("%s:%d: a test-id pattern needs a reason after it" % (path, n))
            accepted.append((parts[0], pattern(parts[0]), parts[1]))
    return accepted


def main(argv):
    if len(argv) not in (3, 4, 5):
        sys.exit("usage: compare-reports.py VENDOR_REPORTS LAGWISE_REPORTS [ACCEPTED_FILE [OUT_FILE]]")
    vendor_dir, lagwise_dir = argv[1], argv[2]
    accepted_file = argv[3] if len(argv) > 3 else None
    out_file = argv[4] if len(argv) > 4 else None
    accepted = load_accepted(accepted_file) if accepted_file else []
    vfiles, vendor = load(vendor_dir)
    lfiles, lagwise = load(lagwise_dir)
    if not vfiles or not lfiles:
        print("no surefire reports in %s" % (vendor_dir if not vfiles else lagwise_dir))
        return 2
    print("%-8s %6s %7s %7s %8s" % ("side", "run", "passed", "failed", "skipped"))
    for name, res in (("vendor", vendor), ("lagwise", lagwise)):
        t = totals(res)
        print("%-8s %6d %7d %7d %8d" % (name, t["run"], t["passed"], t["failed"], t["skipped"]))

    # A class whose set-up fails (@BeforeAll, a parameter source) is reported as one testcase
    # with an empty name, and its tests are then missing: they count as failed with its message.
    class_failures = {tid.split("#")[0].split("[")[0]: msg
                      for tid, (status, msg) in lagwise.items()
                      if status == "failed" and tid.endswith("#")}
    regressions, skipped_only, missing = [], [], []
    for tid, (status, _) in sorted(vendor.items()):
        if status != "passed":
            continue
        other = lagwise.get(tid)
        if other is None:
            cls = tid.split("#")[0].split("[")[0]
            if cls in class_failures:
                regressions.append((tid, "class set-up failed: " + class_failures[cls]))
            else:
                missing.append(tid)
        elif other[0] == "failed":
            regressions.append((tid, other[1]))
        elif other[0] == "skipped":
            skipped_only.append((tid, other[1]))
    used = set()
    unaccepted, accepted_hits = [], []
    for tid, msg in regressions:
        hit = next((a for a in accepted if a[1].match(tid)), None)
        if hit:
            used.add(hit[0])
            accepted_hits.append((tid, msg, hit[2]))
        else:
            unaccepted.append((tid, msg))
    improved = sum(1 for tid, (s, _) in lagwise.items()
                   if s == "passed" and vendor.get(tid, ("",))[0] == "failed")

    if out_file:
        # one line per difference, tab-separated, for grouping by cause
        with open(out_file, "w", encoding="utf-8") as f:
            for tid, msg in unaccepted:
                f.write("%s\t%s\n" % (tid, msg))
            for tid, msg, reason in accepted_hits:
                f.write("%s\t%s\taccepted: %s\n" % (tid, msg, reason))
    print()
    print("pass on vendor, fail through Lagwise: %d (accepted: %d, not accepted: %d)"
          % (len(regressions), len(accepted_hits), len(unaccepted)))
    print("pass on vendor, skipped through Lagwise: %d" % len(skipped_only))
    print("pass on vendor, not run through Lagwise: %d" % len(missing))
    print("fail on vendor, pass through Lagwise: %d" % improved)
    stale = [a[0] for a in accepted if a[0] not in used]
    if stale:
        print("accepted-failures entries that matched no failure (remove them?): %d" % len(stale))
        for s in stale:
            print("  " + s)
    if skipped_only:
        print()
        print("Skipped through Lagwise only (assumptions that no longer hold):")
        for tid, msg in skipped_only:
            print("  %s  -- %s" % (tid, msg))
    if missing:
        print()
        print("Not run through Lagwise:")
        for tid in missing:
            print("  " + tid)
    if unaccepted:
        print()
        print("NOT ACCEPTED: pass on vendor, fail through Lagwise:")
        for tid, msg in unaccepted:
            print("  %s  -- %s" % (tid, msg))
    return 1 if unaccepted or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
