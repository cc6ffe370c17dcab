"""The autograd tour: the examples of PyTorch's autograd material, run on ember.

Every line prints what PyTorch prints for the same program; run it with ``import torch`` in
place of ``import ember as torch`` to compare. Addresses (``0x...``) differ between runs.
"""

import sys
import warnings

if len(sys.argv) > 1 and sys.argv[1] == "--torch":  # the same program on PyTorch, to compare
    import torch
else:
    import ember as torch


def section(title):
    print(f"\n=== {title} ===")


section("1. The computational graph: y = (w + x) * (w + 1)")
w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
a.retain_grad()
b = torch.add(w, 1)
y = torch.mul(a, b)
y.backward()
print("w.grad:", w.grad)
print("x.grad:", x.grad)
print("is_leaf:", w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf)
print("gradient:", w.grad, x.grad, a.grad, b.grad, y.grad)
print("grad_fn:", w.grad_fn, x.grad_fn, type(a.grad_fn).__name__, type(b.grad_fn).__name__,
      type(y.grad_fn).__name__)
print("next_functions of y:", [type(f).__name__ for f, _ in y.grad_fn.next_functions])

section("2. A first backward: out = mean(3 * (x + 2)^2)")
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn.name() if hasattr(y.grad_fn, "name") else y.grad_fn)
z = y * y * 3
out = z.mean()
print(z, out)
out.backward()
print(x.grad)

section("3. requires_grad_ and no_grad")
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn.name() if hasattr(b.grad_fn, "name") else b.grad_fn)
x = torch.tensor([2.], requires_grad=True)
print(x.requires_grad, (x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)

section("4. Gradients flowing only through recorded ops")
x = torch.tensor(1.0, requires_grad=True)
y1 = x ** 2
with torch.no_grad():
    y2 = x ** 3
y3 = y1 + y2
y3.backward()
print(x.grad)

section("5. autograd.grad and higher derivatives")
x = torch.tensor([3.], requires_grad=True)
y = torch.pow(x, 2)
grad_1 = torch.autograd.grad(y, x, create_graph=True)
print(grad_1)
grad_2 = torch.autograd.grad(grad_1[0], x)
print(grad_2)
x1 = torch.tensor(1.0, requires_grad=True)
x2 = torch.tensor(2.0, requires_grad=True)
y1 = x1 * x2
y2 = x1 + x2
print(torch.autograd.grad(outputs=[y1, y2], inputs=[x1, x2],
                          grad_outputs=[torch.ones_like(y1), torch.ones_like(y2)]))
y1 = x1 * x2
y2 = x1 + x2
(dy1_dx1, dy1_dx2) = torch.autograd.grad(outputs=y1, inputs=[x1, x2], retain_graph=True)
print(dy1_dx1, dy1_dx2)
(dy12_dx1, dy12_dx2) = torch.autograd.grad(outputs=[y1, y2], inputs=[x1, x2])
print(dy12_dx1, dy12_dx2)

section("6. Gradients accumulate: zero them yourself")
w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
for _ in range(4):
    a = torch.add(w, x)
    b = torch.add(w, 1)
    y = torch.mul(a, b)
    y.backward()
    print(w.grad)
w.grad.zero_()
print(w.grad)
a = torch.add(w, x)
b = torch.add(w, 1)
y = torch.mul(a, b)
print(w.requires_grad, a.requires_grad, b.requires_grad)

section("7. Several outputs with gradient weights (grad_tensors)")
w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
b = torch.add(w, 1)
y0 = torch.mul(a, b)
y1 = torch.add(a, b)
loss = torch.cat([y0, y1], dim=0)
loss.backward(gradient=torch.tensor([1., 1.]), retain_graph=True)
print(w.grad)
w.grad.zero_()
loss.backward(gradient=torch.tensor([1., 2.]))
print(w.grad)

section("8. retain_graph: a second backward needs it")
x = torch.tensor([2.], requires_grad=True)
y = x * x
y.backward(retain_graph=True)
y.backward()
print(x.grad)
try:
    z = (x * x)
    z.backward()
    z.backward()
except RuntimeError as error:
    print("RuntimeError:", str(error).split(".")[0])

section("9. In-place operations keep the object; a = a + 1 makes a new one")
a = torch.ones((1,))
print(id(a) == id(a), a)
old = id(a)
a = a + torch.ones((1,))
print(id(a) == old, a)
a = torch.ones((1,))
old = id(a)
a += torch.ones((1,))
print(id(a) == old, a)
w = torch.tensor([1.], requires_grad=True)
try:
    w.add_(1)
except RuntimeError as error:
    print("RuntimeError:", error)

section("10. detach() and .data")
x = torch.tensor([1., 2.], requires_grad=True)
y = 2 * x
d = x.detach()
print(d, d.requires_grad)
x.data *= 100
y.sum().backward()
print(x, x.grad)

section("11. Reading .grad of a non-leaf warns")
x = torch.tensor([1.], requires_grad=True)
y = x * 2
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print(y.grad)
print("UserWarning:", caught[0].message.args[0][:60] if caught else None)
