package io.watershed.core.group;

import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable map sorted by key whose updates share structure with the map they start from.
 *
 * <p>It is an AVL tree: {@link #with} and {@link #without} copy only the O(log n) nodes on the path
 * to the key and reuse every other node. Metadata images publish a new map after every command, so
 * a commit of one offset costs a handful of small allocations rather than a copy of every group's
 * offsets.
 *
 * <p>Invariants of every node: its left subtree holds only smaller keys and its right subtree only
 * larger ones; the heights of its two subtrees differ by at most one; {@code height} and {@code
 * size} describe the subtree rooted at it. Keys and values are never null.
 *
 * <p>Thread-safe: instances never change after construction.
 *
 * @param <K> the key type, ordered by its natural order
 * @param <V> the value type; values should be immutable for the map to be
 */
public final class PersistentSortedMap<K extends Comparable<? super K>, V>
    implements Iterable<Map.Entry<K, V>> {

  private static final PersistentSortedMap<?, ?> EMPTY = new PersistentSortedMap<>(null);

  private static final class Node<K, V> {
    final K key;
    final V value;
    final Node<K, V> left;
    final Node<K, V> right;
    final int height;
    final int size;

    Node(K key, V value, Node<K, V> left, Node<K, V> right) {
      this.key = key;
      this.value = value;
      this.left = left;
      this.right = right;
      this.height = 1 + Math.max(height(left), height(right));
      this.size = 1 + size(left) + size(right);
    }
  }

  private final Node<K, V> root;

  private PersistentSortedMap(Node<K, V> root) {
    this.root = root;
  }

  /** The empty map. */
  @SuppressWarnings("unchecked")
  public static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> empty() {
    return (PersistentSortedMap<K, V>) EMPTY;
  }

  /** A map holding the entries of {@code map}. */
  public static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> copyOf(
      Map<K, V> map) {
    PersistentSortedMap<K, V> result = empty();
    for (Map.Entry<K, V> entry : map.entrySet()) {
      result = result.with(entry.getKey(), entry.getValue());
    }
    return result;
  }

  public int size() {
    return size(root);
  }

  public boolean isEmpty() {
    return root == null;
  }

  /** The value of {@code key}, or null when absent. O(log n). */
  public V get(K key) {
    Objects.requireNonNull(key, "key");
    Node<K, V> node = root;
    while (node != null) {
      int c = key.compareTo(node.key);
      if (c == 0) {
        return node.value;
      }
      node = c < 0 ? node.left : node.right;
    }
    return null;
  }

  public boolean containsKey(K key) {
    return get(key) != null;
  }

  /** A map in which {@code key} maps to {@code value}. O(log n); this map is unchanged. */
  public PersistentSortedMap<K, V> with(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return new PersistentSortedMap<>(insert(root, key, value));
  }

  /** A map without {@code key}; this map itself when the key is absent. O(log n). */
  public PersistentSortedMap<K, V> without(K key) {
    Objects.requireNonNull(key, "key");
    if (!containsKey(key)) {
      return this;
    }
    return new PersistentSortedMap<>(remove(root, key));
  }

  /** Calls {@code action} for every entry in key order. */
  public void forEach(BiConsumer<? super K, ? super V> action) {
    for (Map.Entry<K, V> entry : this) {
      action.accept(entry.getKey(), entry.getValue());
    }
  }

  /** The keys, in order; a new list. */
  public List<K> keys() {
    List<K> keys = new ArrayList<>(size());
    forEach((k, v) -> keys.add(k));
    return keys;
  }

  /** The values, in key order; a new list. */
  public List<V> values() {
    List<V> values = new ArrayList<>(size());
    forEach((k, v) -> values.add(v));
    return values;
  }

  /** Iterates the entries in key order; the iterator does not support removal. */
  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    return new InOrder<>(root);
  }

  /** Two maps are equal when they hold equal keys mapped to equal values. */
  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof PersistentSortedMap<?, ?> that) || that.size() != size()) {
      return false;
    }
    Iterator<? extends Map.Entry<?, ?>> mine = iterator();
    Iterator<? extends Map.Entry<?, ?>> theirs = that.iterator();
    while (mine.hasNext()) {
      if (!mine.next().equals(theirs.next())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 0;
    for (Map.Entry<K, V> entry : this) {
      hash += entry.hashCode();
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    forEach(
        (k, v) -> {
          if (out.length() > 1) {
            out.append(", ");
          }
          out.append(k).append('=').append(v);
        });
    return out.append('}').toString();
  }

  private static int height(Node<?, ?> node) {
    return node == null ? 0 : node.height;
  }

  private static int size(Node<?, ?> node) {
    return node == null ? 0 : node.size;
  }

  private static <K extends Comparable<? super K>, V> Node<K, V> insert(
      Node<K, V> node, K key, V value) {
    if (node == null) {
      return new Node<>(key, value, null, null);
    }
    int c = key.compareTo(node.key);
    if (c < 0) {
      return balance(node.key, node.value, insert(node.left, key, value), node.right);
    }
    if (c > 0) {
      return balance(node.key, node.value, node.left, insert(node.right, key, value));
    }
    return new Node<>(key, value, node.left, node.right);
  }

  private static <K extends Comparable<? super K>, V> Node<K, V> remove(Node<K, V> node, K key) {
    int c = key.compareTo(node.key);
    if (c < 0) {
      return balance(node.key, node.value, remove(node.left, key), node.right);
    }
    if (c > 0) {
      return balance(node.key, node.value, node.left, remove(node.right, key));
    }
    if (node.left == null) {
      return node.right;
    }
    if (node.right == null) {
      return node.left;
    }
    Node<K, V> successor = node.right;
    while (successor.left != null) {
      successor = successor.left;
    }
    return balance(successor.key, successor.value, node.left, removeFirst(node.right));
  }

  private static <K, V> Node<K, V> removeFirst(Node<K, V> node) {
    if (node.left == null) {
      return node.right;
    }
    return balance(node.key, node.value, removeFirst(node.left), node.right);
  }

  /**
   * A node with the given key, value and subtrees, rotated so that it is balanced again. The
   * subtrees' heights may differ by at most two, as after one insertion or removal.
   */
  private static <K, V> Node<K, V> balance(K key, V value, Node<K, V> left, Node<K, V> right) {
    int hl = height(left);
    int hr = height(right);
    if (hl > hr + 1) {
      if (height(left.left) >= height(left.right)) {
        return new Node<>(
            left.key, left.value, left.left, new Node<>(key, value, left.right, right));
      }
      Node<K, V> pivot = left.right;
      return new Node<>(
          pivot.key,
          pivot.value,
          new Node<>(left.key, left.value, left.left, pivot.left),
          new Node<>(key, value, pivot.right, right));
    }
    if (hr > hl + 1) {
      if (height(right.right) >= height(right.left)) {
        return new Node<>(
            right.key, right.value, new Node<>(key, value, left, right.left), right.right);
      }
      Node<K, V> pivot = right.left;
      return new Node<>(
          pivot.key,
          pivot.value,
          new Node<>(key, value, left, pivot.left),
          new Node<>(right.key, right.value, pivot.right, right.right));
    }
    return new Node<>(key, value, left, right);
  }

  /** In-order traversal with an explicit stack of at most the tree's height. */
  private static final class InOrder<K, V> implements Iterator<Map.Entry<K, V>> {
    private final ArrayDeque<Node<K, V>> stack = new ArrayDeque<>();

    InOrder(Node<K, V> root) {
      descendLeft(root);
    }

    private void descendLeft(Node<K, V> node) {
      for (Node<K, V> n = node; n != null; n = n.left) {
        stack.push(n);
      }
    }

    @Override
    public boolean hasNext() {
      return !stack.isEmpty();
    }

    @Override
    public Map.Entry<K, V> next() {
      if (stack.isEmpty()) {
        throw new NoSuchElementException();
      }
      Node<K, V> node = stack.pop();
      descendLeft(node.right);
      return new AbstractMap.SimpleImmutableEntry<>(node.key, node.value);
    }
  }
}
