package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// accName is the one naming rule for acceptance tests: TestAcc<Subject>_<case>, so that
// `-run 'TestAccVolume_'` selects a subject and a failure's name says what broke.
var accName = regexp.MustCompile(`^TestAcc[A-Z][A-Za-z0-9]*_[a-z][A-Za-z0-9]*$`)

func TestAcceptanceTestNamesFollowOneRule(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			name := fn.Name.Name
			// make testacc selects ^TestAcc[A-Z_]: exactly the names this rule is about.
			isAcc := strings.HasPrefix(name, "TestAcc") && len(name) > 7 && (name[7] == '_' || name[7] >= 'A' && name[7] <= 'Z')
			if isAcc && !accName.MatchString(name) {
				t.Errorf("%s: %s is not named TestAcc<Subject>_<case>", file, name)
			}
		}
	}
}
