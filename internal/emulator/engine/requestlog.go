package engine

import "sync"

// RequestLog keeps records until reset, numbering them from 1; its own lock keeps logging
// off the model lock. T is the personality's request record.
type RequestLog[T any] struct {
	mu      sync.Mutex
	nextSeq int64
	records []T
	number  func(*T, int64)
	onAdd   func(T)
}

// Init sets how a record gets its number and who hears of each (onAdd may be nil).
func (l *RequestLog[T]) Init(number func(*T, int64), onAdd func(T)) {
	l.number, l.onAdd = number, onAdd
}

// Append numbers rec, keeps it and hands it to onAdd, outside the lock.
func (l *RequestLog[T]) Append(rec T) {
	l.mu.Lock()
	l.nextSeq++
	l.number(&rec, l.nextSeq)
	l.records = append(l.records, rec)
	l.mu.Unlock()
	if l.onAdd != nil {
		l.onAdd(rec)
	}
}

// Requests returns a copy of the records, oldest first.
func (l *RequestLog[T]) Requests() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.records...)
}

// ResetRequests empties the log; sequence numbers keep counting.
func (l *RequestLog[T]) ResetRequests() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = nil
}
