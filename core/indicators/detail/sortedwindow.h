#pragma once
// A window of values kept in order of value, for statistics that need more than running sums:
// CCI's mean absolute deviation from a centre that moves every bar.

#include <cstdint>
#include <vector>

namespace kairos::indicators::detail {

/// Up to `capacity` values, each in a slot (a window's ring index), held in a treap over a fixed
/// pool (no allocation after construction) with subtree counts and sums. Then the sum of absolute
/// deviations from any centre m is one walk from the root, O(log N):
///   sum |x - m| = (sum of x above m - m * their count) + (m * count below - sum of x below).
/// A node's key is (value, sequence number) and its priority a hash of the sequence number, so
/// the tree's shape, and with it every sum (each recomputed from its children in a fixed order),
/// depends only on which values are held, never on the order they came and went: replacing the
/// last value (a forming bar's revision) gives bitwise the sums of pushing the final value.
class SortedWindow {
public:
    explicit SortedWindow(int capacity = 0);
    /// Puts `x` in `slot` (0..capacity-1), replacing what the slot held; `seq` must differ from
    /// the other held values' (the bar index does).
    void put(int slot, double x, std::int64_t seq);
    /// Sum over the held values of |x - m| (NaN when one of them is NaN; 0 when none is held).
    double absDeviationSum(double m) const;

private:
    struct Node {
        double x = 0, sum = 0;
        std::uint64_t priority = 0;
        std::int64_t seq = 0;
        int left = 0, right = 0, count = 0;
    };
    bool less(int a, int b) const;
    bool above(int a, int b) const;
    void pull(int t);
    void split(int t, int k, int& l, int& r);
    int merge(int a, int b);
    int insert(int t, int k);
    int erase(int t, int k);

    enum class Held : std::uint8_t { None = 1, InTree, NaN };
    std::vector<Node> m_nodes;  // slot i is node i; node `m_nil` (the last) is the empty tree
    std::vector<Held> m_held;
    int m_nil = 0;
    int m_root = 0;
    int m_nans = 0;  // held NaN values (kept out of the tree: they have no order)
};

}  // namespace kairos::indicators::detail
