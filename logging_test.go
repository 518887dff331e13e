package main

import "testing"

func TestQuietLogsUnlessAsked(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{env: map[string]string{}, want: "off"},
		{env: map[string]string{"TF_LOG": "TRACE"}, want: ""},
		{env: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, want: ""},
		{env: map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}, want: ""},
	} {
		set := map[string]string{}
		quietLogsUnlessAsked(func(k string) string { return tc.env[k] }, func(k, v string) error { set[k] = v; return nil })
		for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER"} {
			if got := set[name]; got != tc.want {
				t.Errorf("env %v: %s set to %q, want %q", tc.env, name, got, tc.want)
			}
		}
	}
}
