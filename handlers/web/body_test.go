package web

import "testing"

func TestHasLoneSurrogate(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":"\ud800"}`:         true,
		`{"a":"\uDC00x"}`:        true,
		`{"a":"\ud800\ud800"}`:   true,
		`{"a":"\ud800\u"}`:       true,
		`{"a":"\ud83d\ude00"}`:   false,
		`{"a":"\uD83D\uDE00"}`:   false,
		`{"a":"\\ud800"}`:        false,
		`{"a":"\\\ud800"}`:       true,
		`{"\ud800":1}`:           true,
		`{"a":"\u00e9\"\ud800"}`: true,
		`{"a":1} "\ud800"`:       true,
		`{"a":"plain"}`:          false,
	} {
		if got := hasLoneSurrogate([]byte(in)); got != want {
			t.Errorf("hasLoneSurrogate(%s) = %v, want %v", in, got, want)
		}
	}
}
