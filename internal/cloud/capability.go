package cloud

// Capability finds c's optional capability T (Lister, Tagger, ...). A wrapper around a cloud (the
// provider's shared reads, for one) offers what it wraps through an Unwrap method, so a new
// capability needs no change to any wrapper: the look goes through them, as errors.As does.
func Capability[T any](c Cloud) (T, bool) {
	for c != nil {
		if found, ok := c.(T); ok {
			return found, true
		}
		w, ok := c.(interface{ Unwrap() Cloud })
		if !ok {
			break
		}
		c = w.Unwrap()
	}
	var none T
	return none, false
}
