package dev.keycard.protocol;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An immutable set of scopes, written as RFC 6749 §3.3 says: scope tokens separated by one space.
 * Iteration and {@link #toString()} are in sorted order, so equal sets print alike.
 */
public final class ScopeSet implements Iterable<Scope> {

    private static final ScopeSet EMPTY = new ScopeSet(new TreeSet<>());

    private final SortedSet<Scope> scopes;
    private final String text;

    private ScopeSet(SortedSet<Scope> scopes) {
        this.scopes = Collections.unmodifiableSortedSet(scopes);
        this.text = String.join(" ", scopes.stream().map(Scope::value).toList());
    }

    public static ScopeSet empty() {
        return EMPTY;
    }

    public static ScopeSet of(Collection<Scope> scopes) {
        return scopes.isEmpty() ? EMPTY : new ScopeSet(new TreeSet<>(scopes));
    }

    public static ScopeSet of(String... values) {
        TreeSet<Scope> set = new TreeSet<>();
        for (String v : values) {
            set.add(new Scope(v));
        }
        return of(set);
    }

    /**
     * Parses the {@code scope} parameter strictly: {@code scope = scope-token *( SP scope-token )}.
     * Leading, trailing or doubled spaces are malformed, as the grammar says.
     *
     * @throws IllegalArgumentException when the text does not match the grammar
     */
    public static ScopeSet parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("scope is empty");
        }
        TreeSet<Scope> set = new TreeSet<>();
        int start = 0;
        while (true) {
            int space = text.indexOf(' ', start);
            String token = space < 0 ? text.substring(start) : text.substring(start, space);
            if (!Scope.isValid(token)) {
                throw new IllegalArgumentException(token.isEmpty()
                        ? "scope has a leading, trailing or doubled space"
                        : "scope token has a character RFC 6749 section 3.3 does not allow");
            }
            set.add(new Scope(token));
            if (space < 0) {
                return new ScopeSet(set);
            }
            start = space + 1;
        }
    }

    public boolean contains(Scope scope) {
        return scopes.contains(scope);
    }

    public boolean containsAll(ScopeSet other) {
        return scopes.containsAll(other.scopes);
    }

    /** The scopes of {@code other} that this set does not contain. */
    public ScopeSet missing(ScopeSet other) {
        TreeSet<Scope> rest = new TreeSet<>(other.scopes);
        rest.removeAll(scopes);
        return of(rest);
    }

    public boolean isEmpty() {
        return scopes.isEmpty();
    }

    public int size() {
        return scopes.size();
    }

    public SortedSet<Scope> asSet() {
        return scopes;
    }

    @Override
    public Iterator<Scope> iterator() {
        return scopes.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScopeSet s && s.scopes.equals(scopes);
    }

    @Override
    public int hashCode() {
        return scopes.hashCode();
    }

    /** The space-separated form, as sent in {@code scope}. */
    @Override
    public String toString() {
        return text;
    }
}
