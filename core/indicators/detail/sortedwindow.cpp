#include "indicators/detail/sortedwindow.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace kairos::indicators::detail {

namespace {
/// SplitMix64: a well-mixed priority from the sequence number (so any window's tree is balanced
/// in expectation, whatever the order of the values).
std::uint64_t mix(std::int64_t seq) {
    std::uint64_t z = static_cast<std::uint64_t>(seq) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
}  // namespace

SortedWindow::SortedWindow(int capacity)
    : m_nodes(static_cast<std::size_t>(capacity) + 1),
      m_held(static_cast<std::size_t>(capacity), Held::None),
      m_nil(capacity),
      m_root(capacity) {
    assert(capacity >= 0);
}

bool SortedWindow::less(int a, int b) const {
    const Node& p = m_nodes[static_cast<std::size_t>(a)];
    const Node& q = m_nodes[static_cast<std::size_t>(b)];
    return p.x < q.x || (p.x == q.x && p.seq < q.seq);
}

bool SortedWindow::above(int a, int b) const {
    const Node& p = m_nodes[static_cast<std::size_t>(a)];
    const Node& q = m_nodes[static_cast<std::size_t>(b)];
    return p.priority > q.priority || (p.priority == q.priority && p.seq < q.seq);
}

void SortedWindow::pull(int t) {
    Node& n = m_nodes[static_cast<std::size_t>(t)];
    const Node& l = m_nodes[static_cast<std::size_t>(n.left)];
    const Node& r = m_nodes[static_cast<std::size_t>(n.right)];
    n.count = l.count + 1 + r.count;
    n.sum = (l.sum + n.x) + r.sum;
}

// Splits tree t into the keys below node k's (l) and the rest (r).
void SortedWindow::split(int t, int k, int& l, int& r) {
    if (t == m_nil) {
        l = r = m_nil;
        return;
    }
    Node& n = m_nodes[static_cast<std::size_t>(t)];
    if (less(t, k)) {
        split(n.right, k, n.right, r);
        l = t;
    } else {
        split(n.left, k, l, n.left);
        r = t;
    }
    pull(t);
}

// Joins two trees, every key of a below every key of b.
int SortedWindow::merge(int a, int b) {
    if (a == m_nil) return b;
    if (b == m_nil) return a;
    if (above(a, b)) {
        Node& n = m_nodes[static_cast<std::size_t>(a)];
        n.right = merge(n.right, b);
        pull(a);
        return a;
    }
    Node& n = m_nodes[static_cast<std::size_t>(b)];
    n.left = merge(a, n.left);
    pull(b);
    return b;
}

int SortedWindow::insert(int t, int k) {
    if (t == m_nil || above(k, t)) {
        Node& n = m_nodes[static_cast<std::size_t>(k)];
        split(t, k, n.left, n.right);
        pull(k);
        return k;
    }
    Node& n = m_nodes[static_cast<std::size_t>(t)];
    if (less(k, t))
        n.left = insert(n.left, k);
    else
        n.right = insert(n.right, k);
    pull(t);
    return t;
}

int SortedWindow::erase(int t, int k) {
    assert(t != m_nil);
    Node& n = m_nodes[static_cast<std::size_t>(t)];
    if (t == k) return merge(n.left, n.right);
    if (less(k, t))
        n.left = erase(n.left, k);
    else
        n.right = erase(n.right, k);
    pull(t);
    return t;
}

void SortedWindow::put(int slot, double x, std::int64_t seq) {
    assert(slot >= 0 && slot < m_nil);
    Held& held = m_held[static_cast<std::size_t>(slot)];
    if (held == Held::InTree)
        m_root = erase(m_root, slot);
    else if (held == Held::NaN)
        --m_nans;
    Node& n = m_nodes[static_cast<std::size_t>(slot)];
    n.x = x;
    n.seq = seq;
    if (std::isnan(x)) {
        held = Held::NaN;
        ++m_nans;
        return;
    }
    n.priority = mix(seq);
    n.left = n.right = m_nil;
    held = Held::InTree;
    m_root = insert(m_root, slot);
}

double SortedWindow::absDeviationSum(double m) const {
    if (m_nans > 0) return std::numeric_limits<double>::quiet_NaN();
    // One walk splits the held values into those below m and the rest, with their sums and counts.
    double sumBelow = 0, sumAbove = 0;
    int countBelow = 0, countAbove = 0;
    int t = m_root;
    while (t != m_nil) {
        const Node& n = m_nodes[static_cast<std::size_t>(t)];
        if (n.x < m) {
            const Node& l = m_nodes[static_cast<std::size_t>(n.left)];
            sumBelow += l.sum + n.x;
            countBelow += l.count + 1;
            t = n.right;
        } else {
            const Node& r = m_nodes[static_cast<std::size_t>(n.right)];
            sumAbove += n.x + r.sum;
            countAbove += 1 + r.count;
            t = n.left;
        }
    }
    return (sumAbove - m * countAbove) + (m * countBelow - sumBelow);
}

}  // namespace kairos::indicators::detail
