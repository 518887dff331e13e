package difftest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Compare lists every difference between the real recording and the emulator's: a step
// one of them lacks, another status, or another body shape. Text answers (Glance's errors)
// are compared as text being there or not.
func Compare(real, emu *Recording) []Difference {
	var out []Difference
	for _, r := range real.Exchanges {
		e, ok := emu.Step(r.Step)
		if !ok {
			out = append(out, Difference{r.Step, "step", "missing in the emulator's recording"})
			continue
		}
		if r.Status != e.Status {
			out = append(out, Difference{r.Step, "status", "real " + strconv.Itoa(r.Status) + ", emulator " + strconv.Itoa(e.Status)})
		}
		out = append(out, compareBodies(r, e)...)
	}
	for _, e := range emu.Exchanges {
		if _, ok := real.Step(e.Step); !ok {
			out = append(out, Difference{e.Step, "step", "only in the emulator's recording"})
		}
	}
	return out
}

func compareBodies(r, e Exchange) []Difference {
	switch {
	case (r.Body == nil) != (e.Body == nil):
		return []Difference{{r.Step, "$", fmt.Sprintf("real body %s, emulator body %s", bodyKind(r), bodyKind(e))}}
	case r.Body == nil:
		if (r.Text == "") != (e.Text == "") {
			return []Difference{{r.Step, "$", fmt.Sprintf("real body %s, emulator body %s", bodyKind(r), bodyKind(e))}}
		}
		return nil
	}
	var rv, ev any
	if err := json.Unmarshal(r.Body, &rv); err != nil {
		return []Difference{{r.Step, "$", "the real body is not JSON: " + err.Error()}}
	}
	if err := json.Unmarshal(e.Body, &ev); err != nil {
		return []Difference{{r.Step, "$", "the emulator's body is not JSON: " + err.Error()}}
	}
	var out []Difference
	compareShapes(r.Step, "$", shapeOf("", rv), shapeOf("", ev), &out)
	return out
}

func bodyKind(x Exchange) string {
	switch {
	case x.Body != nil:
		return "JSON"
	case x.Text != "":
		return "text"
	}
	return "empty"
}

// AllowEntry is one allowed difference: the step and path it covers (a trailing * matches
// any rest; a step of * matches every step) and why it is allowed.
type AllowEntry struct {
	Step, Path, Why string
	Line            int
}

func (a AllowEntry) matches(d Difference) bool {
	return globMatch(a.Step, d.Step) && globMatch(a.Path, d.Path)
}

func globMatch(pattern, s string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, prefix)
	}
	return pattern == s
}

// ParseAllowList reads "step | path | why" lines; # starts a comment. An entry without a
// reason is an error: every allowed difference says why.
func ParseAllowList(r io.Reader) ([]AllowEntry, error) {
	var out []AllowEntry
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" {
			return nil, fmt.Errorf("allow-list line %d: want \"step | path | why\" with a reason: %q", n, line)
		}
		out = append(out, AllowEntry{Step: strings.TrimSpace(parts[0]), Path: strings.TrimSpace(parts[1]), Why: strings.TrimSpace(parts[2]), Line: n})
	}
	return out, sc.Err()
}

// Judge splits differences into those the allow-list does not cover, and reports entries
// that covered nothing (stale entries keep the list from staying short and true).
func Judge(diffs []Difference, allow []AllowEntry) (unexplained []Difference, unused []AllowEntry) {
	used := make([]bool, len(allow))
	for _, d := range diffs {
		covered := false
		for i, a := range allow {
			if a.matches(d) {
				used[i], covered = true, true
			}
		}
		if !covered {
			unexplained = append(unexplained, d)
		}
	}
	for i, a := range allow {
		if !used[i] {
			unused = append(unused, a)
		}
	}
	return unexplained, unused
}
