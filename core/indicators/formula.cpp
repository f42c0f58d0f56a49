#include "indicators/formula.h"

#include "indicators/indicators.h"

#include <cctype>
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string_view>
#include <type_traits>

namespace kairos::indicators {

namespace detail {

/// Estimated cost units (formula.h, "Cost") of a formula tree: per bar and once.
struct FormulaCost {
    double perBar = 0, setup = 0;
};

/// A node of the formula tree: fed every bar (or its revision), it holds its current value.
struct FormulaNode {
    virtual ~FormulaNode() = default;
    virtual void step(const FormulaBar& b, bool revise) = 0;
    virtual double value() const = 0;
    /// A fresh copy with no state (for batch evaluation of a const formula).
    virtual std::unique_ptr<FormulaNode> clone() const = 0;
    /// Adds this node's cost and its children's.
    virtual void addCost(FormulaCost& c) const = 0;
    /// Whether the subtree has a field of another timeframe ("close@4h").
    virtual bool timed() const { return false; }
    /// Whether the last step gave a new value of this node's series (a timed field: a bucket
    /// completed). Constants never do; plain fields and bar functions always do.
    virtual bool fresh() const { return true; }
};

}  // namespace detail

namespace {
using detail::FormulaCost;
using detail::FormulaNode;
using NodePtr = std::unique_ptr<FormulaNode>;

// The cost model of formula.h's "Cost" section.
constexpr double kOperatorCost = 1;
constexpr double kIndicatorStepCost = 16;
constexpr double kSetupPerWindowValue = 4;
constexpr double kCciCostPerTreeLevel = 64;

/// One update of an indicator `Ind` over `period` bars (period 1: no window), and its set-up.
template <class Ind>
void addIndicatorCost(FormulaCost& c, int period) {
    const double n = period;
    c.perBar += kIndicatorStepCost + n / static_cast<double>(kRecomputeEvery);
    c.setup += kSetupPerWindowValue * n;
    if constexpr (std::is_same_v<Ind, Cci>) {
        // The mean deviation: a sum over the window, or walks of the sorted window's tree.
        c.perBar += period <= Cci::kDirectMaxPeriod ? n : kCciCostPerTreeLevel * std::ceil(std::log2(n));
    }
}

struct Const : FormulaNode {
    double v;
    explicit Const(double x) : v(x) {}
    void step(const FormulaBar&, bool) override {}
    double value() const override { return v; }
    NodePtr clone() const override { return std::make_unique<Const>(v); }
    void addCost(FormulaCost& c) const override { c.perBar += kOperatorCost; }
    bool fresh() const override { return false; }
};

enum class Field { Open, High, Low, Close, Volume, Hl2, Hlc3, Ohlc4 };
struct FieldNode : FormulaNode {
    Field f;
    double v = kNaN;
    explicit FieldNode(Field x) : f(x) {}
    void step(const FormulaBar& b, bool) override {
        switch (f) {
        case Field::Open:
            v = b.open;
            break;
        case Field::High:
            v = b.high;
            break;
        case Field::Low:
            v = b.low;
            break;
        case Field::Close:
            v = b.close;
            break;
        case Field::Volume:
            v = b.volume;
            break;
        case Field::Hl2:
            v = (b.high + b.low) / 2;
            break;
        case Field::Hlc3:
            v = (b.high + b.low + b.close) / 3;
            break;
        case Field::Ohlc4:
            v = (b.open + b.high + b.low + b.close) / 4;
            break;
        }
    }
    double value() const override { return v; }
    NodePtr clone() const override { return std::make_unique<FieldNode>(f); }
    void addCost(FormulaCost& c) const override { c.perBar += kOperatorCost; }
};

/// A field, or an expression (`child`), of a coarser timeframe: the last complete bucket's value
/// (formula.h, "Timeframes"). The expression is stepped once per completed bucket, on its bar.
struct TfFieldNode : FormulaNode {
    Field f;
    Timeframe tf;
    NodePtr child;      // an expression "(...)@4h" / "rsi(close, 14)@4h"; null for a field
    bool redo = false;  // this step revises the child's last step
    struct Agg {
        bool forming = false;
        std::int64_t bucket = 0;
        FormulaBar bar;
        double v = kNaN;
        bool fresh = false;
        std::int64_t lastTimeMs = 0, stepMs = 0;
    };
    Agg now, saved;  // saved: before the last step, for revisions
    TfFieldNode(Field x, Timeframe t, NodePtr c = nullptr) : f(x), tf(t), child(std::move(c)) {}
    void complete() {
        if (child) {
            FormulaBar b = now.bar;
            b.timeMs = now.bucket;
            b.closeTimeMs = nextBucketStart(tf, now.bucket);
            child->step(b, redo);
            redo = false;
            now.v = child->value();
        } else {
            FieldNode n(f);
            n.step(now.bar, false);
            now.v = n.value();
        }
        now.fresh = true;
        now.forming = false;
    }
    void step(const FormulaBar& b, bool revise) override {
        // A revision re-does the child's step when the revised step completed a bucket.
        redo = revise && now.fresh;
        if (revise)
            now = saved;
        else
            saved = now;
        now.fresh = false;
        if (now.lastTimeMs != 0 && b.timeMs > now.lastTimeMs && (now.stepMs == 0 || b.timeMs - now.lastTimeMs < now.stepMs))
            now.stepMs = b.timeMs - now.lastTimeMs;
        now.lastTimeMs = b.timeMs;
        const std::int64_t bucket = bucketStart(tf, b.timeMs);
        if (now.forming && bucket != now.bucket) complete();  // the previous bucket's last bars never came
        if (!now.forming) {
            now.forming = true;
            now.bucket = bucket;
            now.bar = b;
        } else {
            now.bar.high = std::max(now.bar.high, b.high);
            now.bar.low = std::min(now.bar.low, b.low);
            now.bar.close = b.close;
            now.bar.volume += b.volume;
        }
        const std::int64_t closeMs = b.closeTimeMs != 0 ? b.closeTimeMs : now.stepMs != 0 ? b.timeMs + now.stepMs : 0;
        if (closeMs != 0 && closeMs >= nextBucketStart(tf, now.bucket)) complete();
        redo = false;
    }
    double value() const override { return now.v; }
    NodePtr clone() const override { return std::make_unique<TfFieldNode>(f, tf, child ? child->clone() : nullptr); }
    void addCost(FormulaCost& c) const override {
        c.perBar += 4 * kOperatorCost;
        if (child) child->addCost(c);  // over-estimated: the child steps once per bucket, not per bar
    }
    bool timed() const override { return true; }
    bool fresh() const override { return now.fresh; }
};

struct Binary : FormulaNode {
    char op;
    NodePtr l, r;
    double v = kNaN;
    Binary(char o, NodePtr a, NodePtr b) : op(o), l(std::move(a)), r(std::move(b)) {}
    void step(const FormulaBar& b, bool revise) override {
        l->step(b, revise);
        r->step(b, revise);
        const double x = l->value(), y = r->value();
        switch (op) {
        case '+':
            v = x + y;
            break;
        case '-':
            v = x - y;
            break;
        case '*':
            v = x * y;
            break;
        case '/':
            v = y != 0 ? x / y : kNaN;
            break;
        case 'n':
            v = std::min(x, y);
            break;
        case 'x':
            v = std::max(x, y);
            break;
        default:
            v = compare(x, y);
            break;
        }
    }
    double value() const override { return v; }
    NodePtr clone() const override { return std::make_unique<Binary>(op, l->clone(), r->clone()); }
    bool timed() const override { return l->timed() || r->timed(); }
    bool fresh() const override { return l->fresh() || r->fresh(); }
    void addCost(FormulaCost& c) const override {
        c.perBar += kOperatorCost;
        l->addCost(c);
        r->addCost(c);
    }
    /// Comparisons and logic: 1 (true) or 0 (false); NaN when an operand is (not yet defined).
    double compare(double x, double y) const {
        if (std::isnan(x) || std::isnan(y)) return kNaN;
        bool t = false;
        switch (op) {
        case '<':
            t = x < y;
            break;
        case 'l':
            t = x <= y;
            break;
        case '>':
            t = x > y;
            break;
        case 'g':
            t = x >= y;
            break;
        case '=':
            t = x == y;
            break;
        case '!':
            t = x != y;
            break;
        case '&':
            t = x != 0 && y != 0;
            break;
        case '|':
            t = x != 0 || y != 0;
            break;
        default:
            return kNaN;
        }
        return t ? 1.0 : 0.0;
    }
};

struct Unary : FormulaNode {
    char op;  // '-' negate, 'a' abs
    NodePtr c;
    explicit Unary(char o, NodePtr x) : op(o), c(std::move(x)) {}
    void step(const FormulaBar& b, bool revise) override { c->step(b, revise); }
    double value() const override { return op == '-' ? -c->value() : std::fabs(c->value()); }
    NodePtr clone() const override { return std::make_unique<Unary>(op, c->clone()); }
    bool timed() const override { return c->timed(); }
    bool fresh() const override { return c->fresh(); }
    void addCost(FormulaCost& k) const override {
        k.perBar += kOperatorCost;
        c->addCost(k);
    }
};

/// crossover(a, b) / crossunder(a, b) (backtrader's CrossOver): 1 on a bar where a > b (a < b)
/// and a < b (a > b) on the latest earlier bar where the two differed, else 0; NaN while either
/// is undefined. Bars where a == b are skipped when looking back.
struct Cross : FormulaNode {
    bool up;
    NodePtr a, b;
    int lastSign = 0, savedSign = 0;  // sign(a - b) on the latest bar where they differed
    double v = kNaN;
    Cross(bool isUp, NodePtr x, NodePtr y) : up(isUp), a(std::move(x)), b(std::move(y)) {}
    void step(const FormulaBar& bar, bool revise) override {
        a->step(bar, revise);
        b->step(bar, revise);
        if (revise)
            lastSign = savedSign;
        else
            savedSign = lastSign;
        const double x = a->value(), y = b->value();
        if (std::isnan(x) || std::isnan(y)) {
            v = kNaN;
            return;
        }
        const int sign = x > y ? 1 : (x < y ? -1 : 0);
        const int want = up ? 1 : -1;
        v = sign == want && lastSign == -want ? 1.0 : 0.0;
        if (sign != 0) lastSign = sign;
    }
    double value() const override { return v; }
    NodePtr clone() const override { return std::make_unique<Cross>(up, a->clone(), b->clone()); }
    bool timed() const override { return a->timed() || b->timed(); }
    bool fresh() const override { return a->fresh() || b->fresh(); }
    void addCost(FormulaCost& c) const override {
        c.perBar += 2 * kOperatorCost;
        a->addCost(c);
        b->addCost(c);
    }
};

/// A library indicator over a sub-series: fed only from the child's first defined value.
template <class Ind>
struct SeriesFn : FormulaNode {
    int n;
    NodePtr c;
    Ind ind;
    bool fedLast = false;
    bool isTimed;         // the input has fields of another timeframe: step only on its new values
    bool pushed = false;  // the last step pushed a value
    SeriesFn(int period, NodePtr x) : n(period), c(std::move(x)), ind(period), isTimed(c->timed()) {}
    void step(const FormulaBar& b, bool revise) override {
        c->step(b, revise);
        const double x = c->value();
        if (isTimed) {
            const bool fresh = c->fresh();
            if (revise && pushed) {
                if (fresh) ind.updateLast(std::isnan(x) ? 0.0 : x);
                return;
            }
            pushed = fresh && !std::isnan(x);
            if (pushed) {
                ind.push(x);
                fedLast = true;
            }
            return;
        }
        if (revise && fedLast) {
            ind.updateLast(std::isnan(x) ? 0.0 : x);
            return;
        }
        fedLast = !std::isnan(x);
        if (fedLast) ind.push(x);
    }
    double value() const override { return fedLast ? ind.value() : kNaN; }
    bool timed() const override { return isTimed; }
    bool fresh() const override { return isTimed ? pushed : true; }
    NodePtr clone() const override { return std::make_unique<SeriesFn>(n, c->clone()); }
    void addCost(FormulaCost& k) const override {
        addIndicatorCost<Ind>(k, n);
        c->addCost(k);
    }
};

/// A library indicator over the bar itself.
template <class Ind, class Feed, class Read>
struct BarFn : FormulaNode {
    int n;
    Ind ind;
    BarFn(int period, Ind i) : n(period), ind(std::move(i)) {}
    void step(const FormulaBar& b, bool revise) override {
        if (revise)
            Feed::update(ind, b);
        else
            Feed::push(ind, b);
    }
    double value() const override { return Read::get(ind); }
    NodePtr clone() const override;
    void addCost(FormulaCost& c) const override { addIndicatorCost<Ind>(c, n); }
};

struct HlcFeed {
    template <class I>
    static void push(I& i, const FormulaBar& b) {
        i.push(b.high, b.low, b.close);
    }
    template <class I>
    static void update(I& i, const FormulaBar& b) {
        i.updateLast(b.high, b.low, b.close);
    }
};
struct HlcvFeed {
    template <class I>
    static void push(I& i, const FormulaBar& b) {
        i.push(b.high, b.low, b.close, b.volume);
    }
    template <class I>
    static void update(I& i, const FormulaBar& b) {
        i.updateLast(b.high, b.low, b.close, b.volume);
    }
};
struct CvFeed {
    template <class I>
    static void push(I& i, const FormulaBar& b) {
        i.push(b.close, b.volume);
    }
    template <class I>
    static void update(I& i, const FormulaBar& b) {
        i.updateLast(b.close, b.volume);
    }
};
struct TimedFeed {
    template <class I>
    static void push(I& i, const FormulaBar& b) {
        i.push(b.timeMs, b.high, b.low, b.close, b.volume);
    }
    template <class I>
    static void update(I& i, const FormulaBar& b) {
        i.updateLast(b.timeMs, b.high, b.low, b.close, b.volume);
    }
};
struct PlainRead {
    template <class I>
    static double get(const I& i) {
        return i.value();
    }
};
struct AdxRead {
    static double get(const DirectionalMovement& i) { return i.value().adx; }
};

/// True range as a streaming "indicator" (previous close kept for revisions).
struct TrueRangeInd {
    double prev = kNaN, savedPrev = kNaN, v = kNaN;
    explicit TrueRangeInd(int) {}
    void push(double h, double l, double c) {
        savedPrev = prev;
        v = trueRange(h, l, prev);
        prev = c;
    }
    void updateLast(double h, double l, double c) {
        prev = savedPrev;
        push(h, l, c);
    }
    double value() const { return v; }
};

template <class Ind, class Feed, class Read>
NodePtr BarFn<Ind, Feed, Read>::clone() const {
    if constexpr (std::is_same_v<Ind, Obv>)
        return std::make_unique<BarFn>(n, Obv());
    else if constexpr (std::is_same_v<Ind, Vwap>)
        return std::make_unique<BarFn>(n, Vwap());
    else
        return std::make_unique<BarFn>(n, Ind(n));
}

// ---------------------------------------------------------------------------------------------
class Parser {
public:
    /// How deeply parentheses, function calls and signs may nest.
    static constexpr int kMaxNesting = 100;

    explicit Parser(std::string_view t) : m_t(t) {}

    Result<NodePtr> parse() {
        auto e = expr();
        if (!e) return e;
        skip();
        if (m_pos < m_t.size()) return err("unexpected '" + characterAt(m_pos) + "'");
        return e;
    }
    /// The timeframes named with '@', in order of appearance (after parse()).
    std::vector<Timeframe> takeTimeframes() { return std::move(m_timeframes); }

private:
    // Columns count characters (UTF-8 code points), not bytes.
    Error err(const std::string& what) const {
        std::size_t column = 1;
        for (std::size_t i = 0; i < m_pos && i < m_t.size(); ++i)
            if ((static_cast<unsigned char>(m_t[i]) & 0xC0) != 0x80) ++column;
        return makeError("column " + std::to_string(column) + ": " + what);
    }
    // The whole UTF-8 sequence that starts at `pos` (one byte when it is not a valid lead byte).
    std::string characterAt(std::size_t pos) const {
        const auto lead = static_cast<unsigned char>(m_t[pos]);
        const std::size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        std::size_t n = 1;
        while (n < len && pos + n < m_t.size() && (static_cast<unsigned char>(m_t[pos + n]) & 0xC0) == 0x80) ++n;
        return std::string(m_t.substr(pos, n));
    }
    void skip() {
        while (m_pos < m_t.size() && std::isspace(static_cast<unsigned char>(m_t[m_pos]))) ++m_pos;
    }
    bool eat(char c) {
        skip();
        if (m_pos < m_t.size() && m_t[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    /// Whether the word `w` (case-insensitive, not followed by a name character) comes next; eats it.
    bool eatWord(std::string_view w) {
        skip();
        if (m_t.size() - m_pos < w.size()) return false;
        for (std::size_t k = 0; k < w.size(); ++k)
            if (std::tolower(static_cast<unsigned char>(m_t[m_pos + k])) != w[k]) return false;
        const std::size_t end = m_pos + w.size();
        if (end < m_t.size() && (std::isalnum(static_cast<unsigned char>(m_t[end])) || m_t[end] == '_')) return false;
        m_pos = end;
        return true;
    }
    bool eatTwo(const char* two) {
        skip();
        if (m_t.size() - m_pos >= 2 && m_t[m_pos] == two[0] && m_t[m_pos + 1] == two[1]) {
            m_pos += 2;
            return true;
        }
        return false;
    }
    // expr = conj {('or' | '||') conj}; conj = comparison {('and' | '&&') comparison};
    // comparison = sum [('<' | '<=' | '>' | '>=' | '==' | '!=') sum].
    Result<NodePtr> expr() {
        auto l = conj();
        if (!l) return l;
        NodePtr left = std::move(*l);
        while (eatWord("or") || eatTwo("||")) {
            auto r = conj();
            if (!r) return r;
            left = std::make_unique<Binary>('|', std::move(left), std::move(*r));
        }
        return left;
    }
    Result<NodePtr> conj() {
        auto l = comparison();
        if (!l) return l;
        NodePtr left = std::move(*l);
        while (eatWord("and") || eatTwo("&&")) {
            auto r = comparison();
            if (!r) return r;
            left = std::make_unique<Binary>('&', std::move(left), std::move(*r));
        }
        return left;
    }
    Result<NodePtr> comparison() {
        auto l = sum();
        if (!l) return l;
        char op = 0;
        if (eatTwo("<="))
            op = 'l';
        else if (eatTwo(">="))
            op = 'g';
        else if (eatTwo("=="))
            op = '=';
        else if (eatTwo("!="))
            op = '!';
        else if (eat('<'))
            op = '<';
        else if (eat('>'))
            op = '>';
        else if (m_pos < m_t.size() && m_t[m_pos] == '=')
            return err("use '==' to compare");
        else
            return l;
        auto r = sum();
        if (!r) return r;
        skip();
        if (m_pos < m_t.size() && (m_t[m_pos] == '<' || m_t[m_pos] == '>' || m_t[m_pos] == '=' || m_t[m_pos] == '!'))
            return err("comparisons do not chain; join them with 'and'");
        return NodePtr(std::make_unique<Binary>(op, std::move(*l), std::move(*r)));
    }
    Result<NodePtr> sum() {
        auto l = term();
        if (!l) return l;
        NodePtr left = std::move(*l);
        for (;;) {
            char op = 0;
            if (eat('+'))
                op = '+';
            else if (eat('-'))
                op = '-';
            else
                return left;
            auto r = term();
            if (!r) return r;
            left = std::make_unique<Binary>(op, std::move(left), std::move(*r));
        }
    }
    Result<NodePtr> term() {
        auto l = unary();
        if (!l) return l;
        NodePtr left = std::move(*l);
        for (;;) {
            char op = 0;
            if (eat('*'))
                op = '*';
            else if (eat('/'))
                op = '/';
            else
                return left;
            auto r = unary();
            if (!r) return r;
            left = std::make_unique<Binary>(op, std::move(left), std::move(*r));
        }
    }
    Result<NodePtr> unary() {
        // Every nesting (parentheses, function arguments, unary minus) passes through here: bound
        // it, so that no formula can exhaust the stack (the fuzzer found 4,000 '(' doing so).
        struct Depth {
            int& d;
            explicit Depth(int& depth) : d(++depth) {}
            ~Depth() { --d; }
            Depth(const Depth&) = delete;
            Depth& operator=(const Depth&) = delete;
        } depth(m_depth);
        if (m_depth > kMaxNesting) return err("nested more than " + std::to_string(kMaxNesting) + " levels deep");
        if (eat('-')) {
            auto u = unary();
            if (!u) return u;
            return NodePtr(std::make_unique<Unary>('-', std::move(*u)));
        }
        return primary();
    }
    Result<NodePtr> primary() {
        skip();
        if (m_pos >= m_t.size()) return err("expected a number, a field, a function or '('");
        const char c = m_t[m_pos];
        if (eat('(')) {
            auto e = expr();
            if (!e) return e;
            if (!eat(')')) return err("expected ')'");
            return atTimeframe(std::move(*e));
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
            const std::size_t start = m_pos;
            while (m_pos < m_t.size() && (std::isdigit(static_cast<unsigned char>(m_t[m_pos])) || m_t[m_pos] == '.')) ++m_pos;
            const std::string num(m_t.substr(start, m_pos - start));
            char* end = nullptr;
            const double v = std::strtod(num.c_str(), &end);
            if (end != num.c_str() + num.size()) {
                m_pos = start;
                return err("\"" + num + "\" is not a number");
            }
            return NodePtr(std::make_unique<Const>(v));
        }
        if (!std::isalpha(static_cast<unsigned char>(c))) return err("unexpected '" + characterAt(m_pos) + "'");
        const std::size_t start = m_pos;
        while (m_pos < m_t.size() && (std::isalnum(static_cast<unsigned char>(m_t[m_pos])) || m_t[m_pos] == '_')) ++m_pos;
        std::string name(m_t.substr(start, m_pos - start));
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        static const std::map<std::string, Field> fields = {
            {"open", Field::Open},     {"high", Field::High}, {"low", Field::Low},   {"close", Field::Close},
            {"volume", Field::Volume}, {"hl2", Field::Hl2},   {"hlc3", Field::Hlc3}, {"ohlc4", Field::Ohlc4}};
        skip();
        if (m_pos >= m_t.size() || m_t[m_pos] != '(') {
            if (auto f = fields.find(name); f != fields.end()) {
                if (m_pos < m_t.size() && m_t[m_pos] == '@') {
                    auto tf = timeframeAfterAt();
                    if (!tf) return tf.error();
                    return NodePtr(std::make_unique<TfFieldNode>(f->second, *tf));
                }
                return NodePtr(std::make_unique<FieldNode>(f->second));
            }
            m_pos = start;
            return err("unknown name \"" + name + "\" (fields: open high low close volume hl2 hlc3 ohlc4)");
        }
        auto fn = call(name, start);
        if (!fn) return fn;
        return atTimeframe(std::move(*fn));
    }
    /// After '@': a timeframe ("4h"), noted in m_timeframes; the error's column is the timeframe's.
    Result<Timeframe> timeframeAfterAt() {
        ++m_pos;  // '@'
        const std::size_t tfStart = m_pos;
        while (m_pos < m_t.size() && std::isalnum(static_cast<unsigned char>(m_t[m_pos]))) ++m_pos;
        const std::string_view tfText = m_t.substr(tfStart, m_pos - tfStart);
        auto tf = parseTimeframe(tfText);
        if (tfText.empty() || !tf) {
            m_pos = tfStart;
            return err("expected a timeframe after '@' (1m 5m 15m 1h 4h 1d 1w 1M ...)");
        }
        if (std::find(m_timeframes.begin(), m_timeframes.end(), *tf) == m_timeframes.end()) m_timeframes.push_back(*tf);
        return *tf;
    }
    /// A parenthesised expression or a function call, optionally followed by '@' and a timeframe:
    /// "rsi(close, 14)@4h", "(high - low)@1d" evaluate it on the coarser bars.
    Result<NodePtr> atTimeframe(NodePtr e) {
        skip();
        if (m_pos >= m_t.size() || m_t[m_pos] != '@') return e;
        auto tf = timeframeAfterAt();
        if (!tf) return tf.error();
        return NodePtr(std::make_unique<TfFieldNode>(Field::Close, *tf, std::move(e)));
    }
    Result<int> period() {
        skip();
        const std::size_t at = m_pos;
        auto e = expr();
        if (!e) return e.error();
        auto* k = dynamic_cast<Const*>(e->get());
        if (!k || k->v != std::floor(k->v) || k->v < 1 || k->v > 100000) {
            m_pos = at;
            return err("a period must be a whole number from 1 to 100000");
        }
        return static_cast<int>(k->v);
    }
    Result<NodePtr> call(const std::string& name, std::size_t start) {
        eat('(');
        using SeriesMaker = std::function<NodePtr(int, NodePtr)>;
        static const std::map<std::string, SeriesMaker> series = {
            {"sma", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<Sma>>(n, std::move(x))); }},
            {"ema", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<Ema>>(n, std::move(x))); }},
            {"wma", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<Wma>>(n, std::move(x))); }},
            {"hma", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<Hma>>(n, std::move(x))); }},
            {"rsi", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<Rsi>>(n, std::move(x))); }},
            {"stddev", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<StdDev>>(n, std::move(x))); }},
            {"linreg", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<LinReg>>(n, std::move(x))); }},
            {"stochrsi", [](int n, NodePtr x) { return NodePtr(std::make_unique<SeriesFn<StochRsi>>(n, std::move(x))); }},
        };
        if (auto s = series.find(name); s != series.end()) {
            auto x = expr();
            if (!x) return x;
            if (!eat(',')) return err("expected ',' and a period: " + name + "(series, period)");
            auto n = period();
            if (!n) return n.error();
            if (!eat(')')) return err("expected ')'");
            return s->second(*n, std::move(*x));
        }
        if (name == "abs") {
            auto x = expr();
            if (!x) return x;
            if (!eat(')')) return err("expected ')'");
            return NodePtr(std::make_unique<Unary>('a', std::move(*x)));
        }
        if (name == "min" || name == "max") {
            auto a = expr();
            if (!a) return a;
            if (!eat(',')) return err("expected ',': " + name + "(a, b)");
            auto b = expr();
            if (!b) return b;
            if (!eat(')')) return err("expected ')'");
            return NodePtr(std::make_unique<Binary>(name == "min" ? 'n' : 'x', std::move(*a), std::move(*b)));
        }
        if (name == "crossover" || name == "crossunder") {
            auto a = expr();
            if (!a) return a;
            if (!eat(',')) return err("expected ',': " + name + "(a, b)");
            auto b = expr();
            if (!b) return b;
            if (!eat(')')) return err("expected ')'");
            return NodePtr(std::make_unique<Cross>(name == "crossover", std::move(*a), std::move(*b)));
        }
        using BarMaker = std::function<NodePtr(int)>;
        static const std::map<std::string, BarMaker> bars = {
            {"atr", [](int n) { return NodePtr(std::make_unique<BarFn<Atr, HlcFeed, PlainRead>>(n, Atr(n))); }},
            {"adx",
             [](int n) {
                 return NodePtr(std::make_unique<BarFn<DirectionalMovement, HlcFeed, AdxRead>>(n, DirectionalMovement(n)));
             }},
            {"cci", [](int n) { return NodePtr(std::make_unique<BarFn<Cci, HlcFeed, PlainRead>>(n, Cci(n))); }},
            {"willr", [](int n) { return NodePtr(std::make_unique<BarFn<WilliamsR, HlcFeed, PlainRead>>(n, WilliamsR(n))); }},
            {"mfi", [](int n) { return NodePtr(std::make_unique<BarFn<Mfi, HlcvFeed, PlainRead>>(n, Mfi(n))); }},
        };
        if (auto b = bars.find(name); b != bars.end()) {
            auto n = period();
            if (!n) return n.error();
            if (!eat(')')) return err("expected ')'");
            return b->second(*n);
        }
        if (name == "tr" || name == "obv" || name == "vwap") {
            if (!eat(')')) return err(name + "() takes no arguments");
            if (name == "tr") return NodePtr(std::make_unique<BarFn<TrueRangeInd, HlcFeed, PlainRead>>(1, TrueRangeInd(1)));
            if (name == "obv") return NodePtr(std::make_unique<BarFn<Obv, CvFeed, PlainRead>>(1, Obv()));
            return NodePtr(std::make_unique<BarFn<Vwap, TimedFeed, PlainRead>>(1, Vwap()));
        }
        m_pos = start;
        return err("unknown function \"" + name + "\"");
    }

    std::vector<Timeframe> m_timeframes;  // named with '@', in order
    std::string_view m_t;
    std::size_t m_pos = 0;
    int m_depth = 0;
};
}  // namespace

Formula::Formula(Formula&&) noexcept = default;
Formula& Formula::operator=(Formula&&) noexcept = default;
Formula::~Formula() = default;

Result<Formula> Formula::parse(std::string_view text, const CostBudget& budget) {
    if (text.size() > 4096) return makeError("column 4097: a formula may have at most 4096 characters");
    Parser p(text);
    auto root = p.parse();
    if (!root) return root.error();
    Formula f;
    f.m_text = std::string(text);
    f.m_root = std::move(*root);
    f.m_timeframes = p.takeTimeframes();
    FormulaCost cost;
    f.m_root->addCost(cost);
    f.m_costPerBar = cost.perBar;
    f.m_setupCost = cost.setup;
    if (auto ok = f.checkCost(budget.bars, budget.maxCost); !ok) return ok.error();
    return f;
}

Status Formula::checkCost(std::size_t bars, double maxCost) const {
    const double cost = estimatedCost(bars);
    if (cost <= maxCost) return {};
    char text[200];
    std::snprintf(text, sizeof text,
                  "too costly: estimated %.3g cost units over %zu bars (%.3g a bar), over the budget of %.3g; "
                  "use shorter periods or fewer indicators",
                  cost, bars, m_costPerBar, maxCost);
    return makeError(text);
}

void Formula::push(const FormulaBar& bar) { m_root->step(bar, false); }
void Formula::updateLast(const FormulaBar& bar) { m_root->step(bar, true); }
double Formula::value() const { return m_root->value(); }

Result<std::vector<double>> Formula::evaluate(const Columns& cols, double maxCost) const {
    if (auto ok = checkCost(cols.size(), maxCost); !ok) return ok.error();
    return evaluate(cols);
}

std::vector<double> Formula::evaluate(const Columns& cols) const {
    NodePtr root = m_root->clone();
    std::vector<double> out(cols.size());
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const FormulaBar b{
            cols.timeMs.empty() ? 0 : cols.timeMs[i], cols.open[i], cols.high[i], cols.low[i], cols.close[i], cols.volume[i], 0};
        root->step(b, false);
        out[i] = root->value();
    }
    return out;
}

}  // namespace kairos::indicators
