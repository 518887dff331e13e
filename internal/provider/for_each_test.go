package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// attachmentBlock matches an scp_volume_attachment block up to its closing brace at column 0.
var attachmentBlock = regexp.MustCompile(`(?ms)^resource "scp_volume_attachment" "[^"]+" \{\n(.*?)^\}`)

// TestExamplesAttachWithForEachNotCount: with count, removing one attachment shifts every index
// after it and Terraform detaches and re-attaches them all; the examples users copy must not
// teach that.
func TestExamplesAttachWithForEachNotCount(t *testing.T) {
	var files []string
	err := filepath.WalkDir(filepath.Join("..", "..", "examples"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") {
			files = append(files, path)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	blocks := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range attachmentBlock.FindAllStringSubmatch(string(body), -1) {
			blocks++
			if regexp.MustCompile(`(?m)^\s*count\s*=`).MatchString(m[1]) {
				t.Errorf("%s: an scp_volume_attachment uses count; use for_each", f)
			}
		}
	}
	if blocks == 0 {
		t.Fatal("no scp_volume_attachment block in the examples: the test proves nothing")
	}
}
